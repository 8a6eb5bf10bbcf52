namespace LearningNavigator.Conversations;

/// <summary>
/// Counts of durations in fixed buckets (<see cref="UpperBoundsMs"/>), so percentiles and a histogram can be
/// read from summed rows without the raw messages. Bucket i holds values above bound i-1 and up to bound i; the
/// last bucket has no upper bound. The bounds are part of the stored layout: changing them needs a recount.
/// </summary>
public readonly struct UsageHistogram : IEquatable<UsageHistogram>
{
    /// <summary>Upper bounds in milliseconds; 3000 is one of them so "p95 above 3 s" is exact, not estimated.</summary>
    public static IReadOnlyList<int> UpperBoundsMs { get; } = [100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 20000];

    public static int BucketCount => UpperBoundsMs.Count + 1;

    private readonly long[]? counts;

    public UsageHistogram(IEnumerable<long> counts)
    {
        var array = counts.ToArray();
        if (array.Length != BucketCount)
        {
            throw new ArgumentException($"A histogram has {BucketCount} buckets, not {array.Length}.", nameof(counts));
        }

        this.counts = array.All(c => c == 0) ? null : array;
    }

    public long this[int bucket] => counts?[bucket] ?? 0;

    public IReadOnlyList<long> Counts => counts ?? new long[BucketCount];

    public long Total => counts?.Sum() ?? 0;

    public bool IsZero => counts is null;

    /// <summary>The bucket a duration falls in.</summary>
    public static int BucketOf(int milliseconds)
    {
        for (var i = 0; i < UpperBoundsMs.Count; i++)
        {
            if (milliseconds <= UpperBoundsMs[i])
            {
                return i;
            }
        }

        return UpperBoundsMs.Count;
    }

    public static UsageHistogram Of(int? milliseconds)
    {
        if (milliseconds is not { } ms)
        {
            return default;
        }

        var array = new long[BucketCount];
        array[BucketOf(ms)] = 1;
        return new UsageHistogram(array);
    }

    /// <summary>
    /// The nearest-rank percentile, interpolated linearly inside its bucket (the open last bucket reports its
    /// lower bound). Null when there are no samples.
    /// </summary>
    public double? Percentile(double fraction)
    {
        var total = Total;
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(fraction * total);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            var inBucket = this[i];
            if (inBucket > 0 && seen + inBucket >= rank)
            {
                var lower = i == 0 ? 0 : UpperBoundsMs[i - 1];
                if (i == UpperBoundsMs.Count)
                {
                    return lower;
                }

                return lower + ((UpperBoundsMs[i] - lower) * (double)(rank - seen) / inBucket);
            }

            seen += inBucket;
        }

        return UpperBoundsMs[^1];
    }

    /// <summary>Whether the nearest-rank percentile is above <paramref name="boundMs"/>, which must be a bucket bound.</summary>
    public bool PercentileExceeds(double fraction, int boundMs)
    {
        var index = UpperBoundsMs.ToList().IndexOf(boundMs);
        if (index < 0)
        {
            throw new ArgumentException($"{boundMs} ms is not a bucket bound; only bounds give an exact answer.", nameof(boundMs));
        }

        var total = Total;
        if (total == 0)
        {
            return false;
        }

        long atOrBelow = 0;
        for (var i = 0; i <= index; i++)
        {
            atOrBelow += this[i];
        }

        return atOrBelow < (long)Math.Ceiling(fraction * total);
    }

    public static UsageHistogram operator +(UsageHistogram a, UsageHistogram b)
    {
        if (a.IsZero)
        {
            return b;
        }

        if (b.IsZero)
        {
            return a;
        }

        var sum = new long[BucketCount];
        for (var i = 0; i < BucketCount; i++)
        {
            sum[i] = a[i] + b[i];
        }

        return new UsageHistogram(sum);
    }

    public static UsageHistogram operator -(UsageHistogram a) =>
        a.IsZero ? a : new UsageHistogram(a.counts!.Select(c => -c));

    public bool Equals(UsageHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            if (this[i] != other[i])
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is UsageHistogram other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < BucketCount; i++)
        {
            hash.Add(this[i]);
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(UsageHistogram left, UsageHistogram right) => left.Equals(right);

    public static bool operator !=(UsageHistogram left, UsageHistogram right) => !left.Equals(right);

    public override string ToString() => $"[{string.Join(", ", Counts)}]";
}
