using System.ComponentModel.DataAnnotations;
using Microsoft.ML.Tokenizers;

namespace LearningNavigator.Documents;

/// <summary>
/// Splits each section into token-bounded chunks that end at paragraph, line or sentence ends where possible,
/// overlap a little so a sentence cut at a boundary is still whole somewhere, and never straddle two sections,
/// so each chunk has exactly one page or heading to cite.
/// </summary>
public sealed class TextChunker
{
    // The encoding of the gpt-4 family; building it parses a large vocabulary, so it is built once per process.
    private static readonly Lazy<Tokenizer> SharedTokenizer = new(() => TiktokenTokenizer.CreateForModel("gpt-4"));

    private readonly ChunkingOptions _options;

    public TextChunker(ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _options = options;
    }

    public ChunkingOptions Options => _options;

    public static int CountTokens(string text) => SharedTokenizer.Value.CountTokens(text);

    public IReadOnlyList<DocumentChunk> Chunk(DocumentMetadata document, ExtractedDocument extracted)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(extracted);

        var fullText = extracted.FullText;
        var chunks = new List<DocumentChunk>();
        var sectionStart = 0;
        foreach (var section in extracted.Sections)
        {
            foreach (var (start, end, tokens) in ChunkSection(section.Text))
            {
                var ordinal = chunks.Count;
                var absoluteStart = sectionStart + start;
                var absoluteEnd = sectionStart + end;
                chunks.Add(new DocumentChunk
                {
                    Id = $"{document.Id}#{ordinal}",
                    DocumentId = document.Id,
                    Title = document.Title,
                    Heading = section.Heading,
                    Page = section.Page,
                    Language = document.Language,
                    Roles = document.Roles,
                    StartOffset = absoluteStart,
                    EndOffset = absoluteEnd,
                    Text = fullText[absoluteStart..absoluteEnd],
                    Ordinal = ordinal,
                    TokenCount = tokens,
                });
            }

            sectionStart += section.Text.Length + ExtractedDocument.SectionSeparator.Length;
        }

        return chunks;
    }

    /// <summary>Chunk spans as [start, end) offsets into <paramref name="text"/>, trimmed of outer whitespace.</summary>
    private List<(int Start, int End, int Tokens)> ChunkSection(string text)
    {
        var tokenizer = SharedTokenizer.Value;
        var spans = new List<(int, int, int)>();
        var breaks = FindBreaks(text);
        var start = SkipWhitespace(text, 0);
        var previousEnd = 0;
        while (start < text.Length)
        {
            // Bounded so counting never walks the rest of a long section; a token is far shorter than 16 chars on average.
            var window = text.AsSpan(start, Math.Min(text.Length - start, _options.MaxTokens * 16));
            var fits = tokenizer.GetIndexByTokenCount(window, _options.MaxTokens, out _, out _);
            var limit = start + Math.Max(fits, 1);
            int end;
            if (limit >= text.Length)
            {
                end = text.Length;
            }
            else
            {
                if (char.IsLowSurrogate(text[limit]) && limit - 1 > start)
                {
                    limit--;
                }

                end = ChooseBreak(breaks, start, Math.Max(start, previousEnd), limit);
            }

            var trimmedEnd = TrimEnd(text, start, end);
            var tokens = tokenizer.CountTokens(text.AsSpan(start, trimmedEnd - start));
            // Token merges across the cut can in rare cases add a token; step back a word until it fits.
            while (tokens > _options.MaxTokens && trimmedEnd - start > 1)
            {
                var previousBreak = LastBreakBefore(breaks, start, trimmedEnd);
                trimmedEnd = TrimEnd(text, start, previousBreak > start ? previousBreak : trimmedEnd - 1);
                tokens = tokenizer.CountTokens(text.AsSpan(start, trimmedEnd - start));
            }

            spans.Add((start, trimmedEnd, tokens));
            previousEnd = SkipWhitespace(text, trimmedEnd);
            var rest = SkipWhitespace(text, trimmedEnd);
            if (rest >= text.Length)
            {
                break;
            }

            start = Math.Max(NextStart(text, breaks, start, trimmedEnd), start + 1);
            start = SkipWhitespace(text, Math.Min(start, rest));
        }

        return spans;
    }

    /// <summary>Where the next chunk starts: about OverlapTokens before the end, snapped to a sentence or word start.</summary>
    private int NextStart(string text, List<Break> breaks, int start, int end)
    {
        if (_options.OverlapTokens == 0)
        {
            return end;
        }

        var fromEnd = SharedTokenizer.Value.GetIndexByTokenCountFromEnd(text.AsSpan(start, end - start), _options.OverlapTokens, out _, out _);
        var candidate = start + fromEnd;
        if (candidate <= start)
        {
            return end;
        }

        // Starting on a sentence is easier to read; accept one if it keeps at least half the wanted overlap.
        var half = start + SharedTokenizer.Value.GetIndexByTokenCountFromEnd(text.AsSpan(start, end - start), Math.Max(1, _options.OverlapTokens / 2), out _, out _);
        foreach (var item in breaks)
        {
            if (item.Position >= candidate && item.Position <= half && item.Strength >= BreakStrength.Sentence)
            {
                return item.Position;
            }

            if (item.Position > half)
            {
                break;
            }
        }

        foreach (var item in breaks)
        {
            if (item.Position >= candidate && item.Position < end)
            {
                return item.Position;
            }
        }

        return candidate;
    }

    /// <summary>The strongest break in the last half of the window, latest first; any break if none there.</summary>
    /// <remarks>Breaks at or before <paramref name="floor"/> are ignored so every chunk reaches past the previous one.</remarks>
    private static int ChooseBreak(List<Break> breaks, int start, int floor, int limit)
    {
        var halfway = start + ((limit - start) / 2);
        Break? best = null;
        Break? anyBreak = null;
        foreach (var item in breaks)
        {
            if (item.Position <= floor)
            {
                continue;
            }

            if (item.Position > limit)
            {
                break;
            }

            anyBreak = item;
            if (item.Position >= halfway && (best is null || item.Strength >= best.Value.Strength))
            {
                best = item;
            }
        }

        return best?.Position ?? anyBreak?.Position ?? limit;
    }

    private static int LastBreakBefore(List<Break> breaks, int start, int end)
    {
        var result = start;
        foreach (var item in breaks)
        {
            if (item.Position >= end)
            {
                break;
            }

            if (item.Position > start)
            {
                result = item.Position;
            }
        }

        return result;
    }

    /// <summary>Every position where a word, sentence, line or paragraph begins, in order.</summary>
    private static List<Break> FindBreaks(string text)
    {
        var breaks = new List<Break>();
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) || !char.IsWhiteSpace(text[i - 1]))
            {
                continue;
            }

            var gapStart = i - 1;
            while (gapStart > 0 && char.IsWhiteSpace(text[gapStart - 1]))
            {
                gapStart--;
            }

            var gap = text.AsSpan(gapStart, i - gapStart);
            var newlines = gap.Count('\n');
            var strength = newlines switch
            {
                >= 2 => BreakStrength.Paragraph,
                1 => BreakStrength.Line,
                _ => EndsSentence(text, gapStart) ? BreakStrength.Sentence : BreakStrength.Word,
            };
            breaks.Add(new Break(i, strength));
        }

        return breaks;
    }

    private static bool EndsSentence(string text, int gapStart)
    {
        var j = gapStart - 1;
        while (j >= 0 && text[j] is '"' or '\'' or ')' or ']' or '”' or '’' or '»')
        {
            j--;
        }

        return j >= 0 && text[j] is '.' or '!' or '?' or '…' or ':' or ';';
    }

    private static int SkipWhitespace(string text, int index)
    {
        while (index < text.Length && char.IsWhiteSpace(text[index]))
        {
            index++;
        }

        return index;
    }

    private static int TrimEnd(string text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }

    private enum BreakStrength
    {
        Word,
        Sentence,
        Line,
        Paragraph,
    }

    private readonly record struct Break(int Position, BreakStrength Strength);
}
