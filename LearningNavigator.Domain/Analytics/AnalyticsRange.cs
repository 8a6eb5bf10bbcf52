namespace LearningNavigator.Analytics;

/// <summary>Which preset range the admin picked.</summary>
public enum AnalyticsPeriod
{
    Today,
    Last7Days,
    Last30Days,
    Last90Days,
    Custom,
}

/// <summary>Local calendar days in the dashboard's time zone, both included.</summary>
public sealed record AnalyticsRange(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public IEnumerable<DateOnly> EachDay() => Enumerable.Range(0, Days).Select(From.AddDays);

    /// <summary>The preset ending today (in <paramref name="zone"/>); custom ranges go through <see cref="Custom"/>.</summary>
    public static AnalyticsRange For(AnalyticsPeriod period, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        return period switch
        {
            AnalyticsPeriod.Today => new(today, today),
            AnalyticsPeriod.Last7Days => new(today.AddDays(-6), today),
            AnalyticsPeriod.Last30Days => new(today.AddDays(-29), today),
            AnalyticsPeriod.Last90Days => new(today.AddDays(-89), today),
            _ => throw new ArgumentException("A custom range needs its own days; use AnalyticsRange.Custom.", nameof(period)),
        };
    }

    /// <exception cref="ArgumentException">The range is backwards or longer than <see cref="MaxDays"/>.</exception>
    public static AnalyticsRange Custom(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            throw new ArgumentException($"The range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).", nameof(to));
        }

        var range = new AnalyticsRange(from, to);
        return range.Days <= MaxDays
            ? range
            : throw new ArgumentException($"A range can cover at most {MaxDays} days; this one covers {range.Days}.", nameof(to));
    }

    /// <summary>The UTC instants the range covers: [start of From, start of the day after To) in <paramref name="zone"/>.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) ToUtc(TimeZoneInfo zone) =>
        (StartOfDay(From, zone), StartOfDay(To.AddDays(1), zone));

    internal static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // A midnight skipped by a clock change starts the day at the first instant that exists.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}

/// <summary>Optional narrowing to one role and/or one language.</summary>
public sealed record AnalyticsFilter(string? Role = null, string? Language = null)
{
    public static AnalyticsFilter All { get; } = new();
}
