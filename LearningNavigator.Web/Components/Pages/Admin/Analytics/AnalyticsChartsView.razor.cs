using System.Globalization;
using LearningNavigator.Analytics;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LearningNavigator.Web.Components.Pages.Admin.Analytics;

/// <summary>The four charts, built from the report's series; labels in the reader's culture.</summary>
public sealed partial class AnalyticsChartsView
{
    private List<ChartSeries<double>> messagesByRole = [];
    private List<ChartSeries<double>> feedback = [];
    private List<ChartSeries<double>> languages = [];
    private List<ChartSeries<double>> latency = [];
    private string[] dayLabels = [];
    private string[] languageLabels = [];
    private string[] latencyLabels = [];

    [Parameter, EditorRequired] public AnalyticsSeries Series { get; set; } = default!;

    protected override void OnParametersSet()
    {
        // Long ranges would crowd the axis: label about ten days, leave the rest blank.
        var step = Math.Max(1, Series.Days.Count / 10);
        dayLabels = [.. Series.Days.Select((d, i) => i % step == 0 ? d.ToString("M", CultureInfo.CurrentCulture) : string.Empty)];
        messagesByRole = [.. Series.MessagesByRole.Select(s => Named(L.RoleName(s.Name), s.Values))];
        feedback = [Named(L["Analytics.ThumbsUp"], Series.ThumbsUpPerDay), Named(L["Analytics.ThumbsDown"], Series.ThumbsDownPerDay)];
        languageLabels = [.. Series.Languages.Select(l => $"{L[$"Analytics.Language.{l.Name}"]} ({l.Count.ToString("N0", CultureInfo.CurrentCulture)})")];
        languages = [Named(L["Analytics.Messages"], [.. Series.Languages.Select(l => l.Count)])];
        latencyLabels = [.. Series.LatencyHistogram.Select(BucketLabel)];
        latency = [Named(L["Analytics.Answers"], [.. Series.LatencyHistogram.Select(b => b.Count)])];
    }

    private static ChartSeries<double> Named(string name, IReadOnlyList<long> values) =>
        new() { Name = name, Data = new ChartData<double>([.. values.Select(v => (double)v)]) };

    private static string BucketLabel(LatencyBucket bucket) => bucket.ToMs is { } to
        ? $"≤{(to / 1000.0).ToString("0.##", CultureInfo.CurrentCulture)} s"
        : $">{(bucket.FromMs / 1000.0).ToString("0.##", CultureInfo.CurrentCulture)} s";
}
