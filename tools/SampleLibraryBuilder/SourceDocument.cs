using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LearningNavigator.Tools.SampleLibraryBuilder;

/// <summary>A run of text; bold is kept so DOCX output can show it, PDF output ignores it.</summary>
internal sealed record TextRun(string Text, bool Bold);

internal abstract record SourceBlock
{
    public abstract string PlainText { get; }
}

internal sealed record SourceHeading(int Level, IReadOnlyList<TextRun> Runs) : SourceBlock
{
    public override string PlainText => string.Concat(Runs.Select(r => r.Text));
}

internal sealed record SourceParagraph(IReadOnlyList<TextRun> Runs) : SourceBlock
{
    public override string PlainText => string.Concat(Runs.Select(r => r.Text));
}

/// <summary>One list item; <paramref name="Number"/> is null for bullets.</summary>
internal sealed record SourceListItem(int? Number, bool StartsNewList, IReadOnlyList<TextRun> Runs) : SourceBlock
{
    public override string PlainText => string.Concat(Runs.Select(r => r.Text));
}

internal sealed record SourceTable(IReadOnlyList<IReadOnlyList<string>> Rows) : SourceBlock
{
    public override string PlainText => string.Join(' ', Rows.SelectMany(r => r));
}

/// <summary>The subset of Markdown the sources use: headings, paragraphs, flat lists, pipe tables, bold.</summary>
internal sealed class SourceDocument(IReadOnlyList<SourceBlock> blocks)
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public IReadOnlyList<SourceBlock> Blocks { get; } = blocks;

    public static SourceDocument Parse(string markdown)
    {
        var blocks = new List<SourceBlock>();
        foreach (var block in Markdown.Parse(markdown, Pipeline))
        {
            switch (block)
            {
                case HeadingBlock heading:
                    blocks.Add(new SourceHeading(heading.Level, Runs(heading.Inline)));
                    break;
                case ParagraphBlock paragraph:
                    blocks.Add(new SourceParagraph(Runs(paragraph.Inline)));
                    break;
                case ListBlock list:
                    var number = list.IsOrdered && int.TryParse(list.OrderedStart, out var start) ? start : (int?)null;
                    var first = true;
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        var runs = item.OfType<ParagraphBlock>().SelectMany(p => Runs(p.Inline)).ToList();
                        blocks.Add(new SourceListItem(number, first, runs));
                        first = false;
                        if (number is not null) number++;
                    }
                    break;
                case Table table:
                    blocks.Add(new SourceTable(table.OfType<TableRow>()
                        .Select(row => (IReadOnlyList<string>)row.OfType<TableCell>()
                            .Select(cell => string.Concat(cell.OfType<ParagraphBlock>()
                                .SelectMany(p => Runs(p.Inline)).Select(r => r.Text)).Trim())
                            .ToList())
                        .ToList()));
                    break;
                case ThematicBreakBlock:
                    break;
                default:
                    throw new NotSupportedException($"Markdown block {block.GetType().Name} at line {block.Line + 1} is not supported by the builder.");
            }
        }
        return new SourceDocument(blocks);
    }

    private static List<TextRun> Runs(ContainerInline? inline)
    {
        var runs = new List<TextRun>();
        if (inline is not null) Collect(inline, bold: false, runs);
        // Merge neighbours with the same weight so DOCX gets few runs and PDF wraps whole words.
        var merged = new List<TextRun>();
        foreach (var run in runs)
        {
            if (merged.Count > 0 && merged[^1].Bold == run.Bold)
                merged[^1] = merged[^1] with { Text = merged[^1].Text + run.Text };
            else
                merged.Add(run);
        }
        return merged;
    }

    private static void Collect(Inline inline, bool bold, List<TextRun> runs)
    {
        switch (inline)
        {
            case LiteralInline literal:
                runs.Add(new TextRun(literal.Content.ToString(), bold));
                break;
            case CodeInline code:
                runs.Add(new TextRun(code.Content, bold));
                break;
            case LineBreakInline:
                runs.Add(new TextRun(" ", bold));
                break;
            case EmphasisInline emphasis:
                foreach (var child in emphasis) Collect(child, bold || emphasis.DelimiterCount >= 2, runs);
                break;
            case ContainerInline container:
                foreach (var child in container) Collect(child, bold, runs);
                break;
            default:
                runs.Add(new TextRun(inline.ToString() ?? string.Empty, bold));
                break;
        }
    }

    public string PlainText()
    {
        var text = new StringBuilder();
        foreach (var block in Blocks) text.AppendLine(block.PlainText);
        return text.ToString();
    }
}
