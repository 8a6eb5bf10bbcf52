using System.Text;
using System.Text.RegularExpressions;

namespace LearningNavigator.Documents;

/// <summary>
/// One notion of "clean text" for every extractor, so chunk boundaries and offsets behave the same whatever
/// the source format: \n line ends, no trailing spaces, at most one blank line in a row, no outer whitespace.
/// </summary>
internal static partial class TextNormalizer
{
    public static string Normalize(string text)
    {
        var unified = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')
            .Replace('\u00A0', ' ').Replace("\f", "\n", StringComparison.Ordinal);
        var builder = new StringBuilder(unified.Length);
        foreach (var line in unified.Split('\n'))
        {
            builder.Append(SpaceRuns().Replace(line, " ").TrimEnd()).Append('\n');
        }

        return BlankLineRuns().Replace(builder.ToString(), "\n\n").Trim();
    }

    [GeneratedRegex("[ \t\v]{2,}")]
    private static partial Regex SpaceRuns();

    [GeneratedRegex("\n{3,}")]
    private static partial Regex BlankLineRuns();
}

/// <summary>Accumulates blocks of one section, then emits sections that have text.</summary>
internal sealed class SectionBuilder
{
    private readonly List<ExtractedSection> _sections = [];
    private readonly StringBuilder _current = new();
    private string? _heading;
    private bool _lastWasLine;

    public IReadOnlyList<ExtractedSection> Sections => _sections;

    public void StartSection(string? heading)
    {
        Flush();
        _heading = string.IsNullOrWhiteSpace(heading) ? null : TextNormalizer.Normalize(heading).Replace('\n', ' ');
    }

    /// <summary>A paragraph: separated from what precedes it by a blank line.</summary>
    public void AddBlock(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        if (normalized.Length == 0)
        {
            return;
        }

        if (_current.Length > 0)
        {
            _current.Append("\n\n");
        }

        _current.Append(normalized);
        _lastWasLine = false;
    }

    /// <summary>A list item or table row: consecutive lines stay together, one per line.</summary>
    public void AddLine(string text)
    {
        var normalized = TextNormalizer.Normalize(text).Replace("\n\n", "\n", StringComparison.Ordinal);
        if (normalized.Length == 0)
        {
            return;
        }

        if (_current.Length > 0)
        {
            _current.Append(_lastWasLine ? "\n" : "\n\n");
        }

        _current.Append(normalized);
        _lastWasLine = true;
    }

    /// <summary>Ends a run of lines so the next line starts a new block.</summary>
    public void EndLines() => _lastWasLine = false;

    public IReadOnlyList<ExtractedSection> Complete()
    {
        Flush();
        return _sections;
    }

    private void Flush()
    {
        var text = TextNormalizer.Normalize(_current.ToString());
        if (text.Length > 0)
        {
            _sections.Add(new ExtractedSection(text, null, _heading));
        }

        _current.Clear();
        _lastWasLine = false;
    }
}
