using System.Diagnostics;
using LearningNavigator.Chat;
using LearningNavigator.Knowledge;
using LearningNavigator.Observability;
using LearningNavigator.Tests.Integration.Api;
using LearningNavigator.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Tests.Integration;

/// <summary>
/// The container writes JSON console logs with scopes (Logging__Console__FormatterOptions__IncludeScopes), and
/// docs/operations.md promises that every line written inside a request or an answer carries TraceId and SpanId, so
/// a log line leads to its trace. The app opens no scopes of its own: those values come from the logger factory's
/// activity tracking (AddNavigatorObservability) and the request scope ASP.NET Core opens. A capturing provider that,
/// like the console and OTLP loggers, takes the factory's external scopes reads them back.
/// </summary>
public sealed class LogScopeTests(LogScopeTests.Fixture app) : IClassFixture<LogScopeTests.Fixture>
{
    [Fact]
    public async Task Over_the_api_lines_written_during_an_answer_carry_the_request_and_answer_span_scopes_and_never_the_question()
    {
        const string secret = "quokkafern-4410";
        using var spans = new SpanRecorder();
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var conversationId = await caller.CreateConversationAsync();
        var askPath = $"/api/v1/conversations/{conversationId}/messages";

        // Crisis language makes the pipeline log inside the answer; the sentinel word makes any leak findable.
        var events = await caller.AskAndReadAllAsync(conversationId, $"I want to die, {secret}, what do I do?");
        Assert.NotEmpty(events);

        var crisis = app.Line("Crisis language detected", conversationId);
        var traceId = AssertLeadsToAnswerSpan(crisis, spans, conversationId);
        Assert.Contains(crisis.Scopes, s => Equals(s.GetValueOrDefault("RequestPath"), askPath) && s.ContainsKey("RequestId"));

        // Every line of that request, the pipeline's Debug line naming the question included, is in the answer's trace.
        var request = app.Entries.Where(e => e.Scopes.Any(s => Equals(s.GetValueOrDefault("RequestPath"), askPath))).ToList();
        Assert.Contains(request, e => e.Message.StartsWith("Question in conversation", StringComparison.Ordinal));
        Assert.All(request, e => Assert.Contains(e.Scopes, s => Equals(s.GetValueOrDefault("TraceId"), traceId)));

        Assert.DoesNotContain(app.Entries, e => e.Text.Contains(secret, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Without_a_trace_around_it_a_line_written_after_the_answer_resumes_still_leads_to_the_answer_span()
    {
        // The chat page consumes the pipeline on a circuit, where no request span is current. The iterator resumes in
        // its consumer's context after each yield, so a line written then must be put in the answer's span explicitly.
        using var spans = new SpanRecorder();
        Assert.Null(Activity.Current);

        var conversationId = await AskDirectlyAsync("I want to die, what do I do?");

        AssertLeadsToAnswerSpan(app.Line("Crisis language detected", conversationId), spans, conversationId);
    }

    [Fact]
    public async Task Without_a_trace_around_it_a_failed_search_is_logged_in_the_answer_span()
    {
        using var spans = new SpanRecorder();
        Assert.Null(Activity.Current);
        app.Retriever.Failure = new InvalidOperationException("The index is broken.");
        string conversationId;
        try
        {
            conversationId = await AskDirectlyAsync("How do I submit an invoice?");
        }
        finally
        {
            app.Retriever.Failure = null;
        }

        AssertLeadsToAnswerSpan(app.Line("Retrieval failed", conversationId), spans, conversationId);
    }

    /// <summary>
    /// The line's activity scope names the answer span of <paramref name="conversationId"/>: its trace and its own id.
    /// </summary>
    /// <returns>The trace id, as the scope writes it.</returns>
    private static string AssertLeadsToAnswerSpan(LogEntry line, SpanRecorder spans, string conversationId)
    {
        Assert.Equal(conversationId, line.State.GetValueOrDefault("ConversationId"));
        var traced = Assert.Single(line.Scopes, s => s.ContainsKey("TraceId"));
        var traceId = traced["TraceId"]!;
        var answer = Assert.Single(spans.InTrace(ActivityTraceId.CreateFromString(traceId)), s => s.OperationName == NavigatorTelemetry.AnswerSpan);
        Assert.Equal(conversationId, answer.GetTagItem("navigator.conversation_id"));
        Assert.Equal(answer.SpanId.ToHexString(), traced.GetValueOrDefault("SpanId"));
        return traceId;
    }

    /// <summary>Asks as the chat page does, straight through the pipeline; a failed answer is expected by one test.</summary>
    private async Task<string> AskDirectlyAsync(string text)
    {
        var userId = await ApiCaller.CreateUserAsync(app.Factory, AppRoles.Instructor);
        var conversationId = Guid.NewGuid().ToString("N");
        var pipeline = app.Factory.Services.GetRequiredService<AnswerPipeline>();
        try
        {
            await foreach (var _ in pipeline.AskAsync(new AskRequest { UserId = userId, Role = AppRoles.Instructor, ConversationId = conversationId, Text = text }, CancellationToken.None))
            {
            }
        }
        catch (AnswerGenerationException)
        {
        }

        return conversationId;
    }

    public sealed class Fixture : IDisposable
    {
        private readonly NavigatorAppFactory root;
        private readonly ScopeCapture capture = new();

        public Fixture()
        {
            root = new NavigatorAppFactory { TestServices = services => services.AddSingleton<IKnowledgeRetriever>(Retriever) };
            Factory = root.WithWebHostBuilder(builder => builder.ConfigureLogging(logging =>
            {
                logging.AddProvider(capture);
                // Every level, so the Debug line that names the question is written (redacted) and checked too.
                logging.AddFilter<ScopeCapture>(null, LogLevel.Trace);
            }));
            _ = Factory.Services;
        }

        /// <summary>Finds one passage, or fails while a test sets <see cref="FailingRetriever.Failure"/>.</summary>
        internal FailingRetriever Retriever { get; } = new();

        public WebApplicationFactory<Program> Factory { get; }

        public IReadOnlyCollection<LogEntry> Entries => capture.Entries;

        public LogEntry Line(string messageStart, string conversationId) =>
            Assert.Single(Entries, e => e.Message.StartsWith(messageStart, StringComparison.Ordinal) && Equals(e.State.GetValueOrDefault("ConversationId"), conversationId));

        public void Dispose()
        {
            Factory.Dispose();
            root.Dispose();
        }
    }
}
