using System.Diagnostics;

namespace LearningNavigator.Observability;

/// <summary>
/// Names the exporters subscribe to. The domain only emits through System.Diagnostics; which SDK collects
/// (OpenTelemetry in the web app, nothing in the CLI) is the host's choice.
/// </summary>
public static class NavigatorTelemetry
{
    public const string ActivitySourceName = "LearningNavigator";
    public const string MeterName = "LearningNavigator";

    /// <summary>Span names of the answer pipeline: one parent per question, one child per stage.</summary>
    public const string AnswerSpan = "navigator.answer";
    public const string RetrieveSpan = "navigator.retrieve";
    public const string GenerateSpan = "navigator.generate";
    public const string PersistSpan = "navigator.persist";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
