using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LearningNavigator.Chat;
using LearningNavigator.Escalations;
using LearningNavigator.Observability;
using LearningNavigator.Web.Auth;
using LearningNavigator.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Tests.Integration;

/// <summary>
/// After a scripted conversation the counters, spans and logs say what happened, and the user's words
/// appear in none of them. Readings are scoped to this host's meter factory and this test's trace id,
/// so other tests running at the same time cannot change them.
/// </summary>
public sealed class TelemetryTests : IClassFixture<TelemetryTests.Fixture>
{
    private readonly Fixture app;

    public TelemetryTests(Fixture app) => this.app = app;

    [Fact]
    public async Task A_scripted_conversation_is_counted_measured_and_traced()
    {
        using var meters = new MeasurementRecorder(app.Factory.Services.GetRequiredService<IMeterFactory>());
        using var spans = new SpanRecorder();
        using var root = new Activity("scripted-conversation").Start();
        // A user of this test's own, so the other tests' questions never count against its rate limit.
        var userId = $"telemetry-{Guid.NewGuid():N}";
        var conversationId = Guid.NewGuid().ToString("N");

        // Worded as no other test words it, so the response cache starts empty for it.
        await AskAsync(userId, conversationId, "Which steps make up the ALGEE action plan?");
        await AskAsync(userId, conversationId, "How do I order participant manuals?");
        var unanswered = await AskAsync(userId, conversationId, "What is the capital of Mongolia?");
        var repeatedIn = Guid.NewGuid().ToString("N");
        await AskAsync(userId, repeatedIn, "which steps make up the  ALGEE action plan?");
        await app.Factory.Services.GetRequiredService<EscalationService>().RaiseAsync(
            new EscalationActor(userId, "Telemetry", AppRoles.Instructor),
            new EscalationRequest { MessageId = unanswered, ContactEmail = "telemetry@example.org" },
            CancellationToken.None);
        var refused = await Assert.ThrowsAsync<RateLimitExceededException>(() => AskAsync(userId, conversationId, "And the fifth question?"));
        root.Stop();

        var answers = meters.Of(NavigatorMetrics.Answers);
        Assert.Equal(4, answers.Sum(m => m.Value));
        Assert.All(answers, m => Assert.Equal("instructor", m.Tag("role")));
        Assert.All(answers, m => Assert.Equal("completed", m.Tag("outcome")));
        Assert.Equal(1, answers.Count(m => Equals(m.Tag("low_confidence"), true)));
        Assert.Equal(4, meters.Of(NavigatorMetrics.AnswerDuration).Count);
        Assert.Equal(4, meters.Of(NavigatorMetrics.TimeToFirstToken).Count);
        Assert.Equal(4, meters.Of(NavigatorMetrics.RetrievalDuration).Count);
        Assert.All(meters.Of(NavigatorMetrics.AnswerDuration), m => Assert.True(m.Value >= 0));
        var tokens = meters.Of(NavigatorMetrics.Tokens);
        Assert.True(tokens.Where(m => Equals(m.Tag("type"), "output")).Sum(m => m.Value) > 0, "No output tokens were counted.");
        Assert.True(tokens.Where(m => Equals(m.Tag("type"), "input")).Sum(m => m.Value) > 0, "No input tokens were counted.");
        Assert.All(tokens, m => Assert.Equal("extractive-v1", m.Tag("model")));
        // The repeated question (other case and spacing, same passages) came from the cache; the first three missed it.
        var hit = Assert.Single(meters.Of(NavigatorMetrics.CacheHits));
        Assert.Equal("instructor", hit.Tag("role"));
        Assert.Equal(3, meters.Of(NavigatorMetrics.CacheMisses).Sum(m => m.Value));
        var escalation = Assert.Single(meters.Of(NavigatorMetrics.Escalations));
        Assert.Equal("low_confidence", escalation.Tag("reason"));
        var rejection = Assert.Single(meters.Of(NavigatorMetrics.RateLimitRejections));
        Assert.Equal("questions", rejection.Tag("policy"));
        Assert.True(refused.RetryAfter > TimeSpan.Zero);

        var trace = spans.InTrace(root.TraceId);
        var answerSpans = trace.Where(s => s.OperationName == NavigatorTelemetry.AnswerSpan).ToList();
        Assert.Equal(4, answerSpans.Count);
        Assert.All(answerSpans, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        foreach (var answer in answerSpans)
        {
            var children = trace.Where(s => s.ParentSpanId == answer.SpanId).Select(s => s.OperationName).ToList();
            // Spans are recorded as they stop, so this is also the order the stages ran in.
            Assert.Equal([NavigatorTelemetry.RetrieveSpan, NavigatorTelemetry.GenerateSpan, NavigatorTelemetry.PersistSpan], children);
            Assert.Contains(answer.GetTagItem("navigator.conversation_id"), new object[] { conversationId, repeatedIn });
        }
    }

    [Fact]
    public async Task No_log_line_span_or_scope_carries_the_question_text()
    {
        const string secret = "zebracorn-7731";
        using var spans = new SpanRecorder();
        using var root = new Activity("redaction").Start();
        var before = app.Logs.Count;

        // Crisis language makes the guardrail log; the sentinel word makes any leak findable.
        await AskAsync(await UserIdAsync("staff@example.org"), Guid.NewGuid().ToString("N"), $"I want to die, {secret}, what do I do?", AppRoles.Staff);
        root.Stop();

        var written = app.Logs.Skip(before).ToList();
        Assert.Contains(written, line => line.Contains("Crisis language detected", StringComparison.Ordinal));
        Assert.DoesNotContain(written, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        var trace = spans.InTrace(root.TraceId);
        Assert.NotEmpty(trace);
        Assert.DoesNotContain(trace, s => s.DisplayName.Contains(secret, StringComparison.Ordinal)
            || s.TagObjects.Any(t => t.Value?.ToString()?.Contains(secret, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task The_prometheus_endpoint_serves_the_answer_counters_when_enabled()
    {
        await AskAsync(await UserIdAsync("instructor@example.org"), Guid.NewGuid().ToString("N"), "What are the steps of the ALGEE action plan?");
        using var client = app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // A finished request first, so the server's own request metrics have something to report.
        (await client.GetAsync("/health/live")).Dispose();

        var scrape = await client.GetStringAsync("/metrics");

        Assert.Contains("navigator_answers_total{", scrape, StringComparison.Ordinal);
        Assert.Contains("role=\"instructor\"", scrape, StringComparison.Ordinal);
        Assert.Contains("navigator_answer_duration_seconds_bucket{", scrape, StringComparison.Ordinal);
        Assert.Contains("navigator_answer_time_to_first_token_seconds_count", scrape, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", scrape, StringComparison.Ordinal);
    }

    /// <returns>The id of the stored answer.</returns>
    private async Task<string> AskAsync(string userId, string conversationId, string text, string role = AppRoles.Instructor)
    {
        var pipeline = app.Factory.Services.GetRequiredService<AnswerPipeline>();
        string? answerId = null;
        await foreach (var step in pipeline.AskAsync(new AskRequest { UserId = userId, Role = role, ConversationId = conversationId, Text = text }, CancellationToken.None))
        {
            if (step is AnswerCompleted completed)
            {
                answerId = completed.AssistantMessage.Id;
            }
        }

        return answerId ?? throw new InvalidOperationException("The answer did not complete.");
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    public sealed class Fixture : IDisposable
    {
        private readonly NavigatorAppFactory root = new();
        private readonly ScopeCapture capture = new();

        public Fixture()
        {
            // The cache and the per-user limit are what the scripted conversation exercises.
            root.ExtraSettings["Chat:ResponseCache:Enabled"] = "true";
            root.ExtraSettings["RateLimiting:Questions:PermitLimit"] = "4";
            Factory = root.WithWebHostBuilder(builder =>
            {
                builder.UseSetting("Telemetry:Prometheus:Enabled", "true");
                builder.ConfigureLogging(logging =>
                {
                    logging.AddProvider(capture);
                    logging.AddFilter<ScopeCapture>(null, LogLevel.Trace);
                });
            });
            _ = Factory.Services;
        }

        public WebApplicationFactory<Program> Factory { get; }

        public IReadOnlyList<string> Logs => [.. capture.Entries.Select(e => e.Text)];

        public void Dispose()
        {
            Factory.Dispose();
            root.Dispose();
        }
    }

}

/// <summary>Measurements of the product's instruments created by one host's meter factory.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<Recorded> recorded = new();
    private readonly ConcurrentDictionary<string, bool> published = new();

    public MeasurementRecorder(IMeterFactory hostMeters)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NavigatorTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, hostMeters))
            {
                published[instrument.Name] = true;
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => recorded.Enqueue(new(instrument.Name, value, tags.ToArray())));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => recorded.Enqueue(new(instrument.Name, value, tags.ToArray())));
        listener.Start();
    }

    public ICollection<string> Published => published.Keys;

    public List<Recorded> Of(string instrument) => [.. recorded.Where(r => r.Instrument == instrument)];

    public void Dispose() => listener.Dispose();

    internal sealed record Recorded(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public object? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
    }
}

/// <summary>Stopped spans of the product's source.</summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener listener;
    private readonly ConcurrentQueue<Activity> stopped = new();

    public SpanRecorder()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NavigatorTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public List<Activity> InTrace(ActivityTraceId traceId) => [.. stopped.Where(a => a.TraceId == traceId)];

    public void Dispose() => listener.Dispose();
}
