using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LearningNavigator.Observability;

/// <summary>
/// Every instrument the product records, created once per host from its <see cref="IMeterFactory"/> so two
/// hosts in one process (tests) keep separate counts. Tags carry roles and outcomes, never user text.
/// </summary>
public sealed class NavigatorMetrics : IDisposable
{
    public const string Answers = "navigator.answers";
    public const string AnswerDuration = "navigator.answer.duration";
    public const string TimeToFirstToken = "navigator.answer.time_to_first_token";
    public const string Tokens = "navigator.tokens";
    public const string RetrievalDuration = "navigator.retrieval.duration";
    public const string CacheHits = "navigator.cache.hits";
    public const string CacheMisses = "navigator.cache.misses";
    public const string Escalations = "navigator.escalations";
    public const string RateLimitRejections = "navigator.rate_limit.rejections";

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> answers;
    private readonly Histogram<double> answerDuration;
    private readonly Histogram<double> timeToFirstToken;
    private readonly Counter<long> tokens;
    private readonly Histogram<double> retrievalDuration;
    private readonly Counter<long> cacheHits;
    private readonly Counter<long> cacheMisses;
    private readonly Counter<long> escalations;
    private readonly Counter<long> rateLimitRejections;

    /// <param name="meterFactory">The host's factory; without one (a bare service provider) the meter is owned here.</param>
    public NavigatorMetrics(IMeterFactory? meterFactory)
    {
        ownsMeter = meterFactory is null;
        meter = meterFactory?.Create(NavigatorTelemetry.MeterName) ?? new Meter(NavigatorTelemetry.MeterName);
        answers = meter.CreateCounter<long>(Answers, "{answer}", "Answers finished, by role and outcome.");
        answerDuration = meter.CreateHistogram<double>(AnswerDuration, "s", "From retrieval start to the last token of the answer.");
        timeToFirstToken = meter.CreateHistogram<double>(TimeToFirstToken, "s", "From retrieval start to the first streamed token.");
        tokens = meter.CreateCounter<long>(Tokens, "{token}", "Model tokens, by type (input or output) and model.");
        retrievalDuration = meter.CreateHistogram<double>(RetrievalDuration, "s", "Time the retriever took to return passages.");
        cacheHits = meter.CreateCounter<long>(CacheHits, "{hit}", "Answers served from the response cache.");
        // Misses alongside hits so the hit rate can be computed wherever the metrics land.
        cacheMisses = meter.CreateCounter<long>(CacheMisses, "{miss}", "Response cache lookups that found nothing, so the model answered.");
        escalations = meter.CreateCounter<long>(Escalations, "{escalation}", "Questions escalated to a person.");
        rateLimitRejections = meter.CreateCounter<long>(RateLimitRejections, "{request}", "Requests refused by the rate limiter.");
    }

    public Meter Meter => meter;

    /// <summary>Records one finished answer: its count, latency, time to first token and token usage.</summary>
    public void AnswerFinished(string role, string outcome, bool lowConfidence, string? model, TimeSpan latency, TimeSpan? firstToken, long? inputTokens, long? outputTokens)
    {
        var tags = new TagList { { "role", role }, { "outcome", outcome }, { "low_confidence", lowConfidence } };
        answers.Add(1, tags);
        var timing = new TagList { { "role", role }, { "outcome", outcome } };
        answerDuration.Record(latency.TotalSeconds, timing);
        if (firstToken is { } ttft)
        {
            timeToFirstToken.Record(ttft.TotalSeconds, timing);
        }

        var modelTag = model ?? "unknown";
        if (inputTokens is > 0)
        {
            tokens.Add(inputTokens.Value, new TagList { { "type", "input" }, { "model", modelTag } });
        }

        if (outputTokens is > 0)
        {
            tokens.Add(outputTokens.Value, new TagList { { "type", "output" }, { "model", modelTag } });
        }
    }

    public void RetrievalFinished(TimeSpan elapsed, int passages) =>
        retrievalDuration.Record(elapsed.TotalSeconds, new TagList { { "found", passages > 0 } });

    public void CacheHit(string role) => cacheHits.Add(1, new TagList { { "role", role } });

    public void CacheMissed(string role) => cacheMisses.Add(1, new TagList { { "role", role } });

    public void Escalated(string reason) => escalations.Add(1, new TagList { { "reason", reason } });

    public void RateLimitRejected(string policy) => rateLimitRejections.Add(1, new TagList { { "policy", policy } });

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
