using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LearningNavigator.Chat;
using LearningNavigator.Observability;
using LearningNavigator.Web.Auth;
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
        var userId = await UserIdAsync("instructor@example.org");
        var conversationId = Guid.NewGuid().ToString("N");

        await AskAsync(userId, conversationId, "What are the steps of the ALGEE action plan?");
        await AskAsync(userId, conversationId, "How do I order participant manuals?");
        await AskAsync(userId, conversationId, "What is the capital of Mongolia?");
        root.Stop();

        var answers = meters.Of(NavigatorMetrics.Answers);
        Assert.Equal(3, answers.Sum(m => m.Value));
        Assert.All(answers, m => Assert.Equal("instructor", m.Tag("role")));
        Assert.All(answers, m => Assert.Equal("completed", m.Tag("outcome")));
        Assert.Equal(1, answers.Count(m => Equals(m.Tag("low_confidence"), true)));
        Assert.Equal(3, meters.Of(NavigatorMetrics.AnswerDuration).Count);
        Assert.Equal(3, meters.Of(NavigatorMetrics.TimeToFirstToken).Count);
        Assert.Equal(3, meters.Of(NavigatorMetrics.RetrievalDuration).Count);
        Assert.All(meters.Of(NavigatorMetrics.AnswerDuration), m => Assert.True(m.Value >= 0));
        var tokens = meters.Of(NavigatorMetrics.Tokens);
        Assert.True(tokens.Where(m => Equals(m.Tag("type"), "output")).Sum(m => m.Value) > 0, "No output tokens were counted.");
        Assert.True(tokens.Where(m => Equals(m.Tag("type"), "input")).Sum(m => m.Value) > 0, "No input tokens were counted.");
        Assert.All(tokens, m => Assert.Equal("extractive-v1", m.Tag("model")));
        // Defined now, recorded by later features: present on the meter, silent in this conversation.
        Assert.Contains(NavigatorMetrics.CacheHits, meters.Published);
        Assert.Contains(NavigatorMetrics.Escalations, meters.Published);
        Assert.Contains(NavigatorMetrics.RateLimitRejections, meters.Published);
        Assert.Empty(meters.Of(NavigatorMetrics.Escalations));

        var trace = spans.InTrace(root.TraceId);
        var answerSpans = trace.Where(s => s.OperationName == NavigatorTelemetry.AnswerSpan).ToList();
        Assert.Equal(3, answerSpans.Count);
        Assert.All(answerSpans, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        foreach (var answer in answerSpans)
        {
            var children = trace.Where(s => s.ParentSpanId == answer.SpanId).Select(s => s.OperationName).ToList();
            // Spans are recorded as they stop, so this is also the order the stages ran in.
            Assert.Equal([NavigatorTelemetry.RetrieveSpan, NavigatorTelemetry.GenerateSpan, NavigatorTelemetry.PersistSpan], children);
            Assert.Equal(conversationId, answer.GetTagItem("navigator.conversation_id"));
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

    private async Task AskAsync(string userId, string conversationId, string text, string role = AppRoles.Instructor)
    {
        var pipeline = app.Factory.Services.GetRequiredService<AnswerPipeline>();
        await foreach (var _ in pipeline.AskAsync(new AskRequest { UserId = userId, Role = role, ConversationId = conversationId, Text = text }, CancellationToken.None))
        {
        }
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    public sealed class Fixture : IDisposable
    {
        private readonly NavigatorAppFactory root = new();
        private readonly LogCapture capture = new();

        public Fixture()
        {
            Factory = root.WithWebHostBuilder(builder =>
            {
                builder.UseSetting("Telemetry:Prometheus:Enabled", "true");
                builder.ConfigureLogging(logging =>
                {
                    logging.AddProvider(capture);
                    logging.AddFilter<LogCapture>(null, LogLevel.Trace);
                });
            });
            _ = Factory.Services;
        }

        public WebApplicationFactory<Program> Factory { get; }

        public IReadOnlyCollection<string> Logs => capture.Lines;

        public void Dispose()
        {
            Factory.Dispose();
            root.Dispose();
        }
    }

    /// <summary>Every log call at every level, written out with its state values and scopes.</summary>
    private sealed class LogCapture : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<string> lines = new();
        private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

        public IReadOnlyCollection<string> Lines => lines;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        line.Append(" | ").Append(key).Append('=').Append(value);
                    }
                }

                owner.scopes.ForEachScope((scope, builder) => builder.Append(" | scope ").Append(scope), line);
                line.Append(exception);
                owner.lines.Enqueue(line.ToString());
            }
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
