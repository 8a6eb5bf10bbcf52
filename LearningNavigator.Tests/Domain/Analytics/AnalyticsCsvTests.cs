using LearningNavigator.Analytics;

namespace LearningNavigator.Tests.Domain.Analytics;

public sealed class AnalyticsCsvTests
{
    private static readonly DateTimeOffset At = new(2025, 7, 15, 12, 0, 5, TimeSpan.Zero);

    private static AnalyticsReport Report() => new()
    {
        Range = new AnalyticsRange(new(2025, 7, 14), new(2025, 7, 15)),
        Filter = AnalyticsFilter.All,
        TimeZone = "UTC",
        Cards = new AnalyticsCards(),
        Series = new AnalyticsSeries { Days = [], MessagesByRole = [], ThumbsUpPerDay = [], ThumbsDownPerDay = [], Languages = [], LatencyHistogram = [] },
        Tables = new AnalyticsTables
        {
            TopQuestions = [new AskedQuestion("How do I submit an invoice, quickly?", 2, 2, "conv-late", At), new AskedQuestion("=cmd|' /C calc'!A0", 1, 1, "conv-x", At)],
            QuestionsScanned = 3,
            WeakAnswers = [new WeakAnswer("¿Cómo envío la factura?", WeakAnswerReason.LowConfidenceAndThumbsDown, "staff", "es", At, "conv-es")],
            MostCited = [new CitedDocument("doc-a", "Invoicing guide", 2)],
            NeverCited = [new CitedDocument("doc-c", "Course \"calendar\"", 0)],
        },
        Banners = new AnalyticsBanners(),
    };

    private static string[] Lines(string table)
    {
        using var writer = new StringWriter();
        AnalyticsCsv.Write(table, Report(), writer);
        return writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Each_table_becomes_a_header_and_one_line_per_row_in_order()
    {
        Assert.Equal(
            [
                "Question,Times,Wordings,LastAskedUtc,ConversationId",
                "\"How do I submit an invoice, quickly?\",2,2,2025-07-15T12:00:05Z,conv-late",
                "\"'=cmd|' /C calc'!A0\",1,1,2025-07-15T12:00:05Z,conv-x",
            ],
            Lines("questions"));
        Assert.Equal(["Question,Reason,Role,Language,AnsweredUtc,ConversationId", "¿Cómo envío la factura?,LowConfidenceAndThumbsDown,staff,es,2025-07-15T12:00:05Z,conv-es"], Lines("weak-answers"));
        Assert.Equal(["DocumentId,Title,Answers", "doc-a,Invoicing guide,2"], Lines("most-cited"));
        Assert.Equal(["DocumentId,Title", "doc-c,\"Course \"\"calendar\"\"\""], Lines("never-cited"));
    }

    [Fact]
    public void A_question_that_looks_like_a_formula_is_escaped_and_an_unknown_table_is_refused()
    {
        Assert.DoesNotContain(Lines("questions"), l => l.StartsWith('=') || l.StartsWith("\"=", StringComparison.Ordinal));
        Assert.Contains("one of: questions", Assert.Throws<ArgumentException>(() => AnalyticsCsv.Write("users", Report(), TextWriter.Null)).Message, StringComparison.Ordinal);
    }
}
