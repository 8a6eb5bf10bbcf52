using System.Globalization;
using CsvHelper;

namespace LearningNavigator.Analytics;

/// <summary>
/// The dashboard's tables as CSV: one row per table row, in the same order, numbers and dates in invariant form.
/// Text that a spreadsheet would run as a formula is escaped: questions are typed by anyone.
/// </summary>
public static class AnalyticsCsv
{
    public static IReadOnlyList<string> Tables { get; } = ["questions", "weak-answers", "most-cited", "never-cited"];

    /// <exception cref="ArgumentException">Not one of <see cref="Tables"/>.</exception>
    public static void Write(string table, AnalyticsReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (header, rows) = table switch
        {
            "questions" => (
                new[] { "Question", "Times", "Wordings", "LastAskedUtc", "ConversationId" },
                report.Tables.TopQuestions.Select(q => new[] { q.Question, Number(q.Count), Number(q.Wordings), Utc(q.LastAskedAt), q.ConversationId })),
            "weak-answers" => (
                ["Question", "Reason", "Role", "Language", "AnsweredUtc", "ConversationId"],
                report.Tables.WeakAnswers.Select(w => new[] { w.Question, w.Reason.ToString(), w.Role, w.Language, Utc(w.AnsweredAt), w.ConversationId })),
            "most-cited" => (
                ["DocumentId", "Title", "Answers"],
                report.Tables.MostCited.Select(d => new[] { d.DocumentId, d.Title, Number(d.Answers) })),
            "never-cited" => (
                ["DocumentId", "Title"],
                report.Tables.NeverCited.Select(d => new[] { d.DocumentId, d.Title })),
            _ => throw new ArgumentException($"Unknown table '{table}'; one of: {string.Join(", ", Tables)}.", nameof(table)),
        };

        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader(header);
        foreach (var row in rows)
        {
            csv.WriteRecord(row);
        }

        csv.Flush();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
