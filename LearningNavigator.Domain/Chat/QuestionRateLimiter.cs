using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Chat;

/// <summary>
/// Consulted by <see cref="AnswerPipeline"/> before a question is stored, so every entry point (web page,
/// CLI, API) gets the same limits. The returned lease is held until the answer has finished streaming.
/// </summary>
public interface IQuestionRateLimiter
{
    /// <exception cref="RateLimitExceededException">The user asked too often, or the model is saturated.</exception>
    ValueTask<IDisposable> AcquireAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>Per-user questions per window and a cap on concurrent model calls.</summary>
public sealed class QuestionRateLimitOptions
{
    public const string SectionName = "RateLimiting:Questions";

    [Range(1, 100_000, ErrorMessage = "RateLimiting:Questions:PermitLimit must be between 1 and 100,000.")]
    public int PermitLimit { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "RateLimiting:Questions:Window must be between 1 second and 1 day.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    [Range(1, 10_000, ErrorMessage = "RateLimiting:Questions:ConcurrentModelCalls must be between 1 and 10,000.")]
    public int ConcurrentModelCalls { get; set; } = 16;

    /// <summary>Questions that wait for a model slot before new ones are turned away.</summary>
    [Range(0, 100_000, ErrorMessage = "RateLimiting:Questions:QueueLimit must be between 0 and 100,000.")]
    public int QueueLimit { get; set; } = 64;
}

/// <summary>Too many questions: nothing was stored. <see cref="RetryAfter"/> says when to try again.</summary>
public sealed class RateLimitExceededException(TimeSpan retryAfter)
    : Exception($"Too many questions. Please try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} seconds.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

public sealed class QuestionRateLimiter : IQuestionRateLimiter, IDisposable
{
    private static readonly TimeSpan SaturatedRetry = TimeSpan.FromSeconds(5);
    private readonly PartitionedRateLimiter<string> perUser;
    private readonly ConcurrencyLimiter modelCalls;

    public QuestionRateLimiter(IOptions<QuestionRateLimitOptions> options)
    {
        var o = options.Value;
        perUser = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetSlidingWindowLimiter(
            user,
            _ => new SlidingWindowRateLimiterOptions { PermitLimit = o.PermitLimit, Window = o.Window, SegmentsPerWindow = 6, QueueLimit = 0 }));
        modelCalls = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = o.ConcurrentModelCalls,
            QueueLimit = o.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public async ValueTask<IDisposable> AcquireAsync(string userId, CancellationToken cancellationToken)
    {
        var question = perUser.AttemptAcquire(userId);
        if (!question.IsAcquired)
        {
            var wait = question.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
            question.Dispose();
            throw new RateLimitExceededException(wait);
        }

        // The per-user permit is spent for its window whatever happens next; only the model slot is released.
        question.Dispose();
        var slot = await modelCalls.AcquireAsync(1, cancellationToken);
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            throw new RateLimitExceededException(SaturatedRetry);
        }

        return slot;
    }

    public void Dispose()
    {
        perUser.Dispose();
        modelCalls.Dispose();
    }
}
