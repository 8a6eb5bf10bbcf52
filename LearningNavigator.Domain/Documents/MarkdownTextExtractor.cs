using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LearningNavigator.Documents;

/// <summary>Walks the Markdig syntax tree so no markdown syntax (#, *, [](), |---|) reaches the index.</summary>
public sealed class MarkdownTextExtractor : IDocumentTextExtractor
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .Build();

    public IReadOnlyCollection<string> Extensions { get; } = [".md", ".markdown"];

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var markdown = await PlainTextExtractor.ReadTextAsync(content, fileName, cancellationToken);
        var document = Markdown.Parse(markdown, Pipeline);
        var builder = new SectionBuilder();
        string? title = null;
        foreach (var block in document)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (block is HeadingBlock heading)
            {
                var headingText = InlineText(heading.Inline);
                if (heading.Level == 1 && title is null && !string.IsNullOrWhiteSpace(headingText))
                {
                    title = headingText.Trim();
                }

                builder.StartSection(headingText);
            }
            else
            {
                AddBlock(block, builder);
            }
        }

        return new ExtractedDocument(title, builder.Complete());
    }

    private static void AddBlock(Block block, SectionBuilder builder)
    {
        switch (block)
        {
            // Front matter is a CodeBlock to Markdig, so this must come before the CodeBlock case.
            case YamlFrontMatterBlock or HtmlBlock or ThematicBreakBlock or LinkReferenceDefinitionGroup:
                break;
            case ParagraphBlock paragraph:
                builder.AddBlock(InlineText(paragraph.Inline));
                break;
            case HeadingBlock heading:
                // Only reached inside containers (a heading in a quote): keep its words, not a new section.
                builder.AddBlock(InlineText(heading.Inline));
                break;
            case ListBlock list:
                AddList(list, builder);
                builder.EndLines();
                break;
            case Table table:
                builder.EndLines();
                foreach (var row in table.OfType<TableRow>())
                {
                    var cells = row.OfType<TableCell>().Select(cell => string.Join(" ", cell.OfType<LeafBlock>().Select(l => InlineText(l.Inline).Trim())));
                    builder.AddLine(string.Join(" | ", cells));
                }

                builder.EndLines();
                break;
            case CodeBlock code:
                builder.AddBlock(code.Lines.ToString());
                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    AddBlock(child, builder);
                }

                break;
        }
    }

    private static void AddList(ListBlock list, SectionBuilder builder)
    {
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var first = true;
            foreach (var child in item)
            {
                switch (child)
                {
                    case ListBlock nested:
                        AddList(nested, builder);
                        break;
                    case LeafBlock leaf when first:
                        builder.AddLine("- " + LeafText(leaf).Trim());
                        first = false;
                        break;
                    case LeafBlock leaf:
                        builder.AddLine(LeafText(leaf).Trim());
                        break;
                    default:
                        AddBlock(child, builder);
                        break;
                }
            }
        }
    }

    private static string LeafText(LeafBlock leaf) =>
        leaf is CodeBlock code ? code.Lines.ToString() : InlineText(leaf.Inline);

    private static string InlineText(ContainerInline? container)
    {
        var builder = new StringBuilder();
        AppendInline(container, builder);
        return builder.ToString();
    }

    private static void AppendInline(Inline? inline, StringBuilder builder)
    {
        switch (inline)
        {
            case null:
                return;
            case LiteralInline literal:
                builder.Append(literal.Content.AsSpan());
                break;
            case CodeInline code:
                builder.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                builder.Append(lineBreak.IsHard ? '\n' : ' ');
                break;
            case HtmlEntityInline entity:
                builder.Append(entity.Transcoded.AsSpan());
                break;
            case AutolinkInline autolink:
                builder.Append(autolink.Url);
                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    AppendInline(child, builder);
                }

                break;
        }
    }
}
