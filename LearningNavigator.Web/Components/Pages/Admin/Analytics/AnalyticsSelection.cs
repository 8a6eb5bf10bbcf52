using System.Globalization;
using LearningNavigator.Analytics;
using Microsoft.AspNetCore.WebUtilities;

namespace LearningNavigator.Web.Components.Pages.Admin.Analytics;

/// <summary>
/// What the admin picked (range, role, language), kept in the address so a view can be shared and the CSV links
/// export exactly what the page shows. Anything unreadable falls back to the last 7 days, all roles and languages.
/// </summary>
public sealed record AnalyticsSelection(AnalyticsPeriod Period, DateOnly? From, DateOnly? To, string? Role, string? Language)
{
    public static AnalyticsSelection Default { get; } = new(AnalyticsPeriod.Last7Days, null, null, null, null);

    public static IReadOnlyList<string> Languages { get; } = ["en", "es"];

    private static readonly Dictionary<string, AnalyticsPeriod> Periods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["today"] = AnalyticsPeriod.Today,
        ["7d"] = AnalyticsPeriod.Last7Days,
        ["30d"] = AnalyticsPeriod.Last30Days,
        ["90d"] = AnalyticsPeriod.Last90Days,
        ["custom"] = AnalyticsPeriod.Custom,
    };

    public static string Code(AnalyticsPeriod period) => Periods.First(p => p.Value == period).Key;

    public static AnalyticsSelection Parse(string? query)
    {
        var values = QueryHelpers.ParseQuery(query);
        string? Get(string key) => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.ToString() : null;
        static DateOnly? Day(string? text) =>
            DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
        var period = Get("range") is { } code && Periods.TryGetValue(code, out var p) ? p : AnalyticsPeriod.Last7Days;
        var role = Get("role") is { } r && AppRoles.IsKnown(r) ? r : null;
        var language = Get("lang") is { } l && Languages.Contains(l) ? l : null;
        return new AnalyticsSelection(period, Day(Get("from")), Day(Get("to")), role, language);
    }

    /// <summary>The range to report on; a custom range with missing or bad days is explained, not guessed.</summary>
    public (AnalyticsRange? Range, string? Problem) Resolve(AnalyticsService analytics)
    {
        if (Period != AnalyticsPeriod.Custom)
        {
            return (analytics.RangeFor(Period), null);
        }

        if (From is not { } from || To is not { } to)
        {
            return (null, "Analytics.CustomNeedsDays");
        }

        try
        {
            return (AnalyticsRange.Custom(from, to), null);
        }
        catch (ArgumentException)
        {
            return (null, to < from ? "Analytics.CustomBackwards" : "Analytics.CustomTooLong");
        }
    }

    public AnalyticsFilter Filter => new(Role, Language);

    public string ToQuery()
    {
        var parts = new List<string> { $"range={Code(Period)}" };
        if (Period == AnalyticsPeriod.Custom)
        {
            parts.Add($"from={From:yyyy-MM-dd}");
            parts.Add($"to={To:yyyy-MM-dd}");
        }

        if (Role is not null)
        {
            parts.Add($"role={Uri.EscapeDataString(Role)}");
        }

        if (Language is not null)
        {
            parts.Add($"lang={Language}");
        }

        return "?" + string.Join('&', parts);
    }
}
