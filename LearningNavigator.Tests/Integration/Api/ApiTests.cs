using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Api;
using LearningNavigator.Web.Api.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Integration.Api;

/// <summary>One app for the API tests; answers stream slowly enough to hang up in the middle of one.</summary>
public sealed class ApiAppFixture : IDisposable
{
    public const int QuestionsPerWindow = 4;

    public ApiAppFixture() => Factory.ExtraSettings["RateLimiting:Questions:PermitLimit"] = QuestionsPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public NavigatorAppFactory Factory { get; } = new(wordDelay: TimeSpan.FromMilliseconds(15));

    public void Dispose() => Factory.Dispose();
}

/// <summary>The /api/v1 contract end to end: real app, real pipeline, real SQLite, SSE read by the framework's parser.</summary>
public sealed class ApiTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    private const string Algee = "What are the steps of the ALGEE action plan?";

    private IConversationStore Store => app.Factory.Services.GetRequiredService<IConversationStore>();

    [Fact]
    public async Task Conversations_are_created_listed_in_pages_and_read_back()
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await caller.CreateConversationAsync($"Topic {i}"));
        }

        var first = await caller.Http.GetFromJsonAsync<JsonElement>("/api/v1/conversations?pageSize=2");
        var token = first.GetProperty("continuationToken").GetString();
        Assert.NotNull(token);
        var second = await caller.Http.GetFromJsonAsync<JsonElement>($"/api/v1/conversations?pageSize=2&continuationToken={token}");
        Assert.Equal(JsonValueKind.Null, second.GetProperty("continuationToken").ValueKind);
        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Order(), listed.Order());

        var one = await caller.Http.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{ids[1]}");
        Assert.Equal("Topic 1", one.GetProperty("title").GetString());
        Assert.Equal(0, one.GetProperty("messageCount").GetInt32());
    }

    [Fact]
    public async Task An_answer_streams_as_deltas_then_citations_usage_followups_and_done_and_matches_what_is_stored()
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var conversationId = await caller.CreateConversationAsync();

        var events = await caller.AskAndReadAllAsync(conversationId, Algee);

        var kinds = events.Select(e => e.EventType).ToList();
        var firstNonDelta = kinds.FindIndex(k => k != AnswerStream.Delta);
        Assert.True(firstNonDelta > 0, "The answer starts with text deltas.");
        Assert.Equal([AnswerStream.Citations, AnswerStream.Usage, AnswerStream.FollowUps, AnswerStream.Done], kinds[firstNonDelta..]);

        var streamed = string.Concat(events.Where(e => e.EventType == AnswerStream.Delta).Select(e => ApiCaller.Data(e).GetProperty("text").GetString()));
        var done = ApiCaller.Data(events[^1]);
        var stored = await Store.GetMessageAsync(done.GetProperty("messageId").GetString()!, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(stored.Text, streamed);
        Assert.Contains("Listen nonjudgmentally", streamed, StringComparison.Ordinal);
        Assert.False(done.GetProperty("interrupted").GetBoolean());
        Assert.Equal(conversationId, done.GetProperty("conversationId").GetString());

        var citations = ApiCaller.Data(events.Single(e => e.EventType == AnswerStream.Citations)).GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        Assert.Equal(stored.Citations.Select(c => c.Number), citations.Select(c => c.GetProperty("number").GetInt32()));
        Assert.All(citations, c => Assert.Contains($"[{c.GetProperty("number").GetInt32()}]", streamed, StringComparison.Ordinal));
        var usage = ApiCaller.Data(events.Single(e => e.EventType == AnswerStream.Usage));
        Assert.Equal("extractive-v1", usage.GetProperty("model").GetString());
        Assert.True(usage.GetProperty("outputTokens").GetInt32() > 0);
        // An integration can see where the time before the first word went.
        var timings = usage.GetProperty("timings");
        Assert.True(timings.GetProperty("firstTokenMs").GetDouble() >= timings.GetProperty("retrievalMs").GetDouble() + timings.GetProperty("modelFirstTokenMs").GetDouble() - 0.2);
        Assert.True(timings.GetProperty("appAddedMs").GetDouble() >= -0.2);
        // The request's clock starts before sign-in and the pipeline, and stops once the first word is sent on.
        Assert.True(usage.GetProperty("requestFirstTokenMs").GetDouble() >= timings.GetProperty("firstTokenMs").GetDouble() - 0.2);
        Assert.Equal(3, ApiCaller.Data(events.Single(e => e.EventType == AnswerStream.FollowUps)).GetProperty("questions").GetArrayLength());

        // The same conversation read back through the API, in pages of one message.
        var page1 = await caller.Http.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages?pageSize=1");
        var question = Assert.Single(page1.GetProperty("items").EnumerateArray());
        Assert.Equal("user", question.GetProperty("author").GetString());
        Assert.Equal(Algee, question.GetProperty("text").GetString());
        Assert.Equal(done.GetProperty("userMessageId").GetString(), question.GetProperty("id").GetString());
        var token = page1.GetProperty("continuationToken").GetString();
        var page2 = await caller.Http.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages?pageSize=1&continuationToken={token}");
        var answer = Assert.Single(page2.GetProperty("items").EnumerateArray());
        Assert.Equal(streamed, answer.GetProperty("text").GetString());
        Assert.Equal(citations.Count, answer.GetProperty("citations").GetArrayLength());
    }

    [Fact]
    public async Task Crisis_language_gets_the_crisis_event_first_and_the_question_is_still_answered()
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var conversationId = await caller.CreateConversationAsync();

        var events = await caller.AskAndReadAllAsync(conversationId, "I want to kill myself. " + Algee);

        Assert.Equal(AnswerStream.Crisis, events[0].EventType);
        Assert.Contains("988", ApiCaller.Data(events[0]).GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Single(events, e => e.EventType == AnswerStream.Crisis);
        var text = string.Concat(events.Where(e => e.EventType is AnswerStream.Crisis or AnswerStream.Delta).Select(e => ApiCaller.Data(e).GetProperty("text").GetString()));
        var stored = await Store.GetMessageAsync(ApiCaller.Data(events[^1]).GetProperty("messageId").GetString()!, CancellationToken.None);
        Assert.Equal(stored!.Text, text);
        Assert.Contains(events, e => e.EventType == AnswerStream.Delta);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData(2001)]
    public async Task A_question_that_breaks_the_input_rule_is_a_validation_problem_naming_text_and_stores_nothing(object? input)
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var conversationId = await caller.CreateConversationAsync();
        var text = input is int length ? new string('a', length) : (string?)input;

        using var response = await caller.Http.SendAsync(ApiCaller.Ask(conversationId, text!));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("text").EnumerateArray()).GetString();
        Assert.Contains(input is int ? "2,000" : "Type a question", message, StringComparison.Ordinal);
        Assert.Empty(await Store.GetMessagesAsync(conversationId, CancellationToken.None));
    }

    [Fact]
    public async Task Bad_paging_and_language_values_are_validation_problems_naming_the_field()
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var conversationId = await caller.CreateConversationAsync();

        await AssertFieldAsync(await caller.Http.GetAsync("/api/v1/conversations?pageSize=0"), "pageSize");
        await AssertFieldAsync(await caller.Http.GetAsync("/api/v1/conversations?continuationToken=nonsense"), "continuationToken");
        await AssertFieldAsync(await caller.Http.GetAsync($"/api/v1/conversations/{conversationId}/messages?pageSize=101"), "pageSize");
        await AssertFieldAsync(await caller.Http.GetAsync($"/api/v1/conversations/{conversationId}/messages?continuationToken=bm9wZQ"), "continuationToken");
        await AssertFieldAsync(await caller.Http.SendAsync(ApiCaller.Ask(conversationId, Algee, language: "fr")), "language");
        await AssertFieldAsync(await caller.Http.PostAsJsonAsync("/api/v1/conversations", new { title = new string('t', 201) }), "title");
    }

    [Fact]
    public async Task Unknown_and_other_peoples_conversations_and_messages_are_404()
    {
        using var owner = await ApiCaller.CreateAsync(app.Factory);
        using var other = await ApiCaller.CreateAsync(app.Factory, AppRoles.Admin);
        var conversationId = await owner.CreateConversationAsync("Mine");
        var events = await owner.AskAndReadAllAsync(conversationId, Algee);
        var answerId = ApiCaller.Data(events[^1]).GetProperty("messageId").GetString();

        foreach (var id in new[] { conversationId, Guid.NewGuid().ToString("N") })
        {
            await AssertProblemAsync(await other.Http.SendAsync(ApiCaller.Ask(id, Algee)), HttpStatusCode.NotFound);
            await AssertProblemAsync(await other.Http.GetAsync($"/api/v1/conversations/{id}/messages"), HttpStatusCode.NotFound);
            await AssertProblemAsync(await other.Http.GetAsync($"/api/v1/conversations/{id}"), HttpStatusCode.NotFound);
        }

        await AssertProblemAsync(await other.Http.PostAsJsonAsync($"/api/v1/messages/{answerId}/feedback", new { rating = "down" }), HttpStatusCode.NotFound);
        Assert.DoesNotContain(
            (await other.Http.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).GetProperty("items").EnumerateArray(),
            c => c.GetProperty("id").GetString() == conversationId);
        Assert.Equal(2, (await Store.GetMessagesAsync(conversationId, CancellationToken.None)).Count);
        Assert.Null(await Store.GetFeedbackAsync(answerId!, other.UserId, CancellationToken.None));
    }

    [Fact]
    public async Task Feedback_on_my_answer_is_stored_and_bad_ratings_or_questions_are_refused()
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var conversationId = await caller.CreateConversationAsync();
        var done = ApiCaller.Data((await caller.AskAndReadAllAsync(conversationId, Algee))[^1]);
        var answerId = done.GetProperty("messageId").GetString()!;

        using var saved = await caller.Http.PostAsJsonAsync($"/api/v1/messages/{answerId}/feedback", new { rating = "up", comment = " Clear steps. " });

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var feedback = await Store.GetFeedbackAsync(answerId, caller.UserId, CancellationToken.None);
        Assert.Equal(FeedbackRating.Up, feedback!.Rating);
        Assert.Equal("Clear steps.", feedback.Comment);
        await AssertFieldAsync(await caller.Http.PostAsJsonAsync($"/api/v1/messages/{answerId}/feedback", new { rating = "sideways" }), "rating");
        await AssertFieldAsync(await caller.Http.PostAsJsonAsync($"/api/v1/messages/{answerId}/feedback", new { rating = "down", comment = new string('c', 1001) }), "comment");
        await AssertFieldAsync(await caller.Http.PostAsJsonAsync($"/api/v1/messages/{done.GetProperty("userMessageId").GetString()}/feedback", new { rating = "down" }), "messageId");
        Assert.Equal(FeedbackRating.Up, (await Store.GetFeedbackAsync(answerId, caller.UserId, CancellationToken.None))!.Rating);
    }

    [Fact]
    public async Task Without_a_valid_key_the_api_answers_401_and_a_sign_in_cookie_is_not_enough()
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        using var anonymous = app.Factory.CreateClient();
        var noKey = await AssertProblemAsync(await anonymous.GetAsync("/api/v1/conversations"), HttpStatusCode.Unauthorized);
        Assert.Contains("/account/api-keys", noKey.GetProperty("detail").GetString(), StringComparison.Ordinal);

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ln_" + new string('x', 43));
        using var wrongKey = await anonymous.GetAsync("/api/v1/conversations");
        await AssertProblemAsync(wrongKey, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(wrongKey.Headers.WwwAuthenticate).Scheme);

        using var cookie = await SignIn.AsAsync(app.Factory, "instructor@example.org");
        await AssertProblemAsync(await cookie.GetAsync("/api/v1/conversations"), HttpStatusCode.Unauthorized);

        var keys = app.Factory.Services.GetRequiredService<ApiKeyStore>();
        Assert.Equal(HttpStatusCode.OK, (await caller.Http.GetAsync("/api/v1/conversations")).StatusCode);
        var key = Assert.Single(await keys.ListAsync(caller.UserId, CancellationToken.None));
        Assert.True(await keys.RevokeAsync(caller.UserId, key.Id, CancellationToken.None));
        await AssertProblemAsync(await caller.Http.GetAsync("/api/v1/conversations"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Questions_beyond_the_per_user_limit_get_429_with_retry_after_and_nothing_is_stored()
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var conversationId = await caller.CreateConversationAsync();
        for (var i = 0; i < ApiAppFixture.QuestionsPerWindow; i++)
        {
            await caller.AskAndReadAllAsync(conversationId, "Where do I find the invoicing deadlines?");
        }

        using var refused = await caller.Http.SendAsync(ApiCaller.Ask(conversationId, "One more question about invoices?"));

        var problem = await AssertProblemAsync(refused, (HttpStatusCode)429);
        Assert.Contains("try again in", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(ApiAppFixture.QuestionsPerWindow * 2, (await Store.GetMessagesAsync(conversationId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_stream_leaves_the_partial_answer_stored_and_marked_interrupted()
    {
        using var caller = await ApiCaller.CreateAsync(app.Factory);
        var conversationId = await caller.CreateConversationAsync();
        string firstText;
        using (var hangUp = new CancellationTokenSource())
        {
            using var request = ApiCaller.Ask(conversationId, Algee);
            using var response = await caller.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, hangUp.Token);
            await using var body = await response.Content.ReadAsStreamAsync(hangUp.Token);
            await using var events = SseParser.Create(body).EnumerateAsync(hangUp.Token).GetAsyncEnumerator(hangUp.Token);
            Assert.True(await events.MoveNextAsync());
            Assert.Equal(AnswerStream.Delta, events.Current.EventType);
            firstText = ApiCaller.Data(events.Current).GetProperty("text").GetString()!;
            await hangUp.CancelAsync();
        }

        var answer = await WaitForAnswerAsync(conversationId);
        Assert.True(answer.Interrupted, "The answer cut short by the hang-up is marked interrupted.");
        Assert.StartsWith(firstText, answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route_the_bearer_scheme_and_the_event_stream()
    {
        using var anonymous = app.Factory.CreateClient();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.Equal(
            ["/api/v1/conversations", "/api/v1/conversations/{conversationId}", "/api/v1/conversations/{conversationId}/messages", "/api/v1/messages/{messageId}/feedback"],
            paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var ask = paths.GetProperty("/api/v1/conversations/{conversationId}/messages").GetProperty("post");
        Assert.True(ask.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        foreach (var eventName in new[] { "crisis", "delta", "citations", "usage", "followups", "error", "done" })
        {
            Assert.Contains($"`{eventName}`", ask.GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.True(ask.GetProperty("responses").TryGetProperty("429", out _));
    }

    private async Task<StoredMessage> WaitForAnswerAsync(string conversationId)
    {
        // The server notices the hang-up asynchronously; poll the store rather than guess how long that takes.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if ((await Store.GetMessagesAsync(conversationId, CancellationToken.None)).FirstOrDefault(m => m.Author == MessageAuthor.Assistant) is { } answer)
            {
                return answer;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No answer was stored within 10 s of the hang-up.");
    }

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        using (response)
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"The problem names '{field}': {problem}");
        }
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }
}
