using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace LearningNavigator.Documents;

/// <summary>
/// Text and headings of an HTML page: h1-h6 start sections, paragraphs and list items keep their breaks,
/// tables become " | "-joined rows. Scripts, styles and other non-text elements never reach the index.
/// </summary>
public sealed partial class HtmlTextExtractor : IDocumentTextExtractor
{
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "head",
        "button", "select", "input", "textarea", "form",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "blockquote", "pre", "figure",
        "figcaption", "address", "details", "summary", "dl", "dt", "dd", "ul", "ol", "li", "table", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6", "body", "center", "fieldset",
    };

    public IReadOnlyCollection<string> Extensions { get; } = [".html", ".htm"];

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var html = await PlainTextExtractor.ReadTextAsync(content, fileName, cancellationToken);
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = await parser.ParseDocumentAsync(html, cancellationToken);

        var builder = new SectionBuilder();
        string? firstHeading = null;
        if (document.Body is { } body)
        {
            WalkContainer(body, builder, ref firstHeading, cancellationToken);
        }

        var title = Collapse(document.Title ?? string.Empty).Trim();
        return new ExtractedDocument(title.Length > 0 ? title : firstHeading, builder.Complete());
    }

    private static void WalkContainer(INode container, SectionBuilder builder, ref string? firstHeading, CancellationToken cancellationToken)
    {
        var inline = new StringBuilder();
        foreach (var child in container.ChildNodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (child is IElement element && Blocks.Contains(element.LocalName))
            {
                builder.AddBlock(inline.ToString());
                inline.Clear();
                WalkBlock(element, builder, ref firstHeading, cancellationToken);
            }
            else
            {
                AppendInline(child, inline);
            }
        }

        builder.AddBlock(inline.ToString());
    }

    private static void WalkBlock(IElement element, SectionBuilder builder, ref string? firstHeading, CancellationToken cancellationToken)
    {
        switch (element.LocalName)
        {
            case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                var heading = InlineText(element).Replace('\n', ' ').Trim();
                if (heading.Length > 0)
                {
                    firstHeading ??= heading;
                    builder.StartSection(heading);
                }

                break;
            case "pre":
                builder.AddBlock(element.TextContent);
                break;
            case "ul" or "ol":
                foreach (var item in element.Children.Where(c => c.LocalName == "li"))
                {
                    AddListItem(item, builder, ref firstHeading, cancellationToken);
                }

                builder.EndLines();
                break;
            case "li":
                AddListItem(element, builder, ref firstHeading, cancellationToken);
                builder.EndLines();
                break;
            case "table":
                builder.EndLines();
                foreach (var row in element.QuerySelectorAll("tr"))
                {
                    var cells = row.Children.Where(c => c.LocalName is "td" or "th").Select(c => InlineText(c).Replace('\n', ' ').Trim());
                    builder.AddLine(string.Join(" | ", cells));
                }

                builder.EndLines();
                break;
            case "hr":
                break;
            default:
                WalkContainer(element, builder, ref firstHeading, cancellationToken);
                break;
        }
    }

    private static void AddListItem(IElement item, SectionBuilder builder, ref string? firstHeading, CancellationToken cancellationToken)
    {
        var own = new StringBuilder();
        var nested = new List<IElement>();
        foreach (var child in item.ChildNodes)
        {
            if (child is IElement element && Blocks.Contains(element.LocalName) && element.LocalName is "ul" or "ol" or "table" or "pre")
            {
                nested.Add(element);
            }
            else
            {
                AppendInline(child, own);
            }
        }

        var text = Collapse(own.ToString()).Trim();
        if (text.Length > 0)
        {
            builder.AddLine("- " + text);
        }

        foreach (var element in nested)
        {
            WalkBlock(element, builder, ref firstHeading, cancellationToken);
        }
    }

    private static string InlineText(INode node)
    {
        var builder = new StringBuilder();
        foreach (var child in node.ChildNodes)
        {
            AppendInline(child, builder);
        }

        return Collapse(builder.ToString());
    }

    /// <summary>Text of inline content; block descendants (a div in a span) still break the line.</summary>
    private static void AppendInline(INode node, StringBuilder builder)
    {
        switch (node)
        {
            case IText text:
                builder.Append(Whitespace().Replace(text.Data, " "));
                break;
            case IElement element when Dropped.Contains(element.LocalName):
                break;
            case IElement { LocalName: "br" }:
                builder.Append('\n');
                break;
            case IElement { LocalName: "img" } image when image.GetAttribute("alt") is { Length: > 0 } alt:
                builder.Append(' ').Append(alt).Append(' ');
                break;
            case IElement element:
                var block = Blocks.Contains(element.LocalName);
                if (block)
                {
                    builder.Append('\n');
                }

                foreach (var child in element.ChildNodes)
                {
                    AppendInline(child, builder);
                }

                if (block)
                {
                    builder.Append('\n');
                }

                break;
        }
    }

    private static string Collapse(string text) => SpaceRuns().Replace(text, " ");

    [GeneratedRegex(@"[ \t\r\n\f]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@" {2,}")]
    private static partial Regex SpaceRuns();
}
