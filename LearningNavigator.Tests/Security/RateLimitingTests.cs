using System.Net;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Security;

public sealed class RateLimitingTests
{
    [Fact]
    public async Task Requests_beyond_the_per_address_limit_get_429_with_retry_after()
    {
        using var factory = new NavigatorAppFactory();
        factory.ExtraSettings["RateLimiting:PerIp:PermitLimit"] = "3";
        factory.ExtraSettings["RateLimiting:PerIp:Window"] = "00:05:00";
        using var client = SignIn.NewClient(factory);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = default!;
        for (var i = 0; i < 4; i++)
        {
            last = await client.GetAsync("/health/live");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var retryAfter = last.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Assert.True(last.Headers.Contains("Content-Security-Policy"), "A refused request still carries the security headers.");
    }

    [Fact]
    public async Task A_user_over_the_question_limit_is_refused_with_retry_after_and_nothing_is_stored()
    {
        using var factory = new NavigatorAppFactory();
        factory.ExtraSettings["RateLimiting:Questions:PermitLimit"] = "2";
        var pipeline = factory.Services.GetRequiredService<AnswerPipeline>();
        var store = factory.Services.GetRequiredService<IConversationStore>();
        var conversationId = Guid.NewGuid().ToString("N");

        for (var i = 0; i < 2; i++)
        {
            await DrainAsync(pipeline.AskAsync(Request("limited-user", conversationId), CancellationToken.None));
        }

        var refused = await Assert.ThrowsAsync<RateLimitExceededException>(() => DrainAsync(pipeline.AskAsync(Request("limited-user", conversationId), CancellationToken.None)));
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Contains("try again in", refused.Message, StringComparison.Ordinal);
        Assert.Equal(4, (await store.GetMessagesAsync(conversationId, CancellationToken.None)).Count);

        // Another person is not held back by the first one's limit.
        await DrainAsync(pipeline.AskAsync(Request("other-user", Guid.NewGuid().ToString("N")), CancellationToken.None));
    }

    [Fact]
    public async Task Model_calls_beyond_the_concurrency_cap_are_refused_until_a_slot_frees()
    {
        using var limiter = new QuestionRateLimiter(Options.Create(new QuestionRateLimitOptions { PermitLimit = 100, ConcurrentModelCalls = 1, QueueLimit = 0 }));

        var first = await limiter.AcquireAsync("a", CancellationToken.None);
        var refused = await Assert.ThrowsAsync<RateLimitExceededException>(async () => await limiter.AcquireAsync("b", CancellationToken.None));
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
        first.Dispose();
        using var second = await limiter.AcquireAsync("b", CancellationToken.None);
    }

    [Fact]
    public async Task A_queued_question_gets_the_slot_when_the_running_answer_finishes()
    {
        using var limiter = new QuestionRateLimiter(Options.Create(new QuestionRateLimitOptions { PermitLimit = 100, ConcurrentModelCalls = 1, QueueLimit = 1 }));

        var first = await limiter.AcquireAsync("a", CancellationToken.None);
        var waiting = limiter.AcquireAsync("b", CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        first.Dispose();
        using var second = await waiting;
    }

    private static AskRequest Request(string userId, string conversationId) => new()
    {
        UserId = userId,
        Role = AppRoles.Instructor,
        ConversationId = conversationId,
        Text = "What are the steps of the ALGEE action plan?",
    };

    private static async Task DrainAsync(IAsyncEnumerable<AnswerEvent> events)
    {
        await foreach (var _ in events)
        {
        }
    }
}
