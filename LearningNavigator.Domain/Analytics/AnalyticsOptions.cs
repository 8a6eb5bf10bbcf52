using Microsoft.Extensions.Options;

namespace LearningNavigator.Analytics;

/// <summary><c>Analytics</c>: the dashboard's time zone, budget and how much raw text its tables may read.</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Analytics";

    /// <summary>IANA or Windows id; days on the dashboard start at midnight here.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Estimated model spend per calendar month (in <see cref="TimeZone"/>) that the cost card compares against.</summary>
    public decimal MonthlyBudgetUsd { get; set; } = 500m;

    /// <summary>The most recent questions of the range that the most-asked table groups (it reads their text).</summary>
    public int MaxQuestionsScanned { get; set; } = 2000;

    /// <summary>Rows per dashboard table.</summary>
    public int TableRows { get; set; } = 20;

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

internal sealed class AnalyticsOptionsValidator : IValidateOptions<AnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            failures.Add($"Analytics:TimeZone '{options.TimeZone}' is not a known time zone id (for example 'UTC' or 'America/New_York').");
        }

        if (options.MonthlyBudgetUsd < 0)
        {
            failures.Add("Analytics:MonthlyBudgetUsd must be zero or more.");
        }

        if (options.MaxQuestionsScanned is < 10 or > 100_000)
        {
            failures.Add("Analytics:MaxQuestionsScanned must be between 10 and 100000.");
        }

        if (options.TableRows is < 1 or > 500)
        {
            failures.Add("Analytics:TableRows must be between 1 and 500.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
