using System.Text.Json;
using LearningNavigator.Aws;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Generation.Bedrock;
using LearningNavigator.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace LearningNavigator.Tests.Domain.Generation.Bedrock;

/// <summary>
/// Claude on Bedrock through the answer pipeline, against a loopback Bedrock Runtime that speaks the real event
/// stream and checks every SigV4 signature.
/// </summary>
public sealed class BedrockGenerationTests
{
    private const string Question = "How do I listen to someone in distress?";

    [Fact]
    public async Task Streams_tokens_in_order_records_usage_and_cost_and_sends_cacheable_system_blocks()
    {
        await using var host = BedrockTestHost.Start();
        var (events, conversationId) = await AskAsync(host, Question);

        Assert.Equal(host.Runtime.DefaultStream.Pieces, events.OfType<AnswerDelta>().Select(d => d.Text));
        var answer = Assert.IsType<AnswerCompleted>(events[^1]).AssistantMessage;
        Assert.Equal("Listen without judgement [1].", answer.Text);
        Assert.Equal(BedrockTestHost.FastModel, answer.Model);
        Assert.Single(answer.Citations);
        Assert.False(answer.Interrupted);

        // Usage as the stream reported it: 40 uncached + 900 written to the cache, 12 output.
        Assert.Equal(940, answer.InputTokens);
        Assert.Equal(12, answer.OutputTokens);
        Assert.Equal(0, answer.CacheReadTokens);
        Assert.Equal(900, answer.CacheWriteTokens);
        Assert.Equal(((40 * 0.8m) + (12 * 4m) + (900 * 1m)) / 1_000_000m, answer.EstimatedCostUsd);
        var stored = await host.Get<IConversationStore>().GetMessagesAsync(conversationId, CancellationToken.None);
        Assert.Equal(900, stored[1].CacheWriteTokens);
        Assert.Equal(answer.EstimatedCostUsd, stored[1].EstimatedCostUsd);

        var request = Assert.Single(host.Runtime.Requests);
        Assert.Equal($"/model/{BedrockTestHost.FastModel}/invoke-with-response-stream", Uri.UnescapeDataString(request.RawTarget));
        Assert.All(host.Runtime.SignatureChecks, check => Assert.Equal("ok", check));
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal(BedrockOptions.AnthropicVersion, root.GetProperty("anthropic_version").GetString());
        Assert.False(root.TryGetProperty("model", out _));
        Assert.False(root.TryGetProperty("stream", out _));
        Assert.Equal(1024, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.2, root.GetProperty("temperature").GetDouble(), 3);
        var system = root.GetProperty("system");
        Assert.Equal(2, system.GetArrayLength());
        Assert.Equal(RolePrompts.For(AppRoles.Instructor), system[0].GetProperty("text").GetString());
        Assert.Equal("ephemeral", system[0].GetProperty("cache_control").GetProperty("type").GetString());
        var sources = system[1].GetProperty("text").GetString()!;
        Assert.False(system[1].TryGetProperty("cache_control", out _));
        Assert.Contains("<source id=\"1\" title=\"algee\" location=\"p. 3\" language=\"en\">\nListen without judgement to the person.\n</source>", sources, StringComparison.Ordinal);
        var messages = root.GetProperty("messages");
        Assert.Equal("user", messages[messages.GetArrayLength() - 1].GetProperty("role").GetString());
        Assert.Contains(Question, messages[messages.GetArrayLength() - 1].GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_reads_from_the_stream_are_stored_and_priced_at_the_cache_read_rate()
    {
        // A second question within the cache's lifetime: most of the prompt is read back, a little is written.
        await using var host = BedrockTestHost.Start();
        host.Runtime.EnqueueStream(host.Runtime.DefaultStream with { InputTokens = 35, CacheReadTokens = 1500, CacheWriteTokens = 200, OutputTokens = 12 });

        var (events, conversationId) = await AskAsync(host, Question);

        var answer = Assert.IsType<AnswerCompleted>(events[^1]).AssistantMessage;
        Assert.Equal(35 + 1500 + 200, answer.InputTokens);
        Assert.Equal(1500, answer.CacheReadTokens);
        Assert.Equal(200, answer.CacheWriteTokens);
        // haiku: 0.8 input, 4 output, 0.08 cache read, 1 cache write (USD per million tokens).
        var expectedCost = ((35 * 0.8m) + (12 * 4m) + (1500 * 0.08m) + (200 * 1m)) / 1_000_000m;
        Assert.Equal(expectedCost, answer.EstimatedCostUsd);
        var stored = (await host.Get<IConversationStore>().GetMessagesAsync(conversationId, CancellationToken.None))[1];
        Assert.Equal((1735, 1500, 200, 12), (stored.InputTokens, stored.CacheReadTokens, stored.CacheWriteTokens, stored.OutputTokens));
        Assert.Equal(expectedCost, stored.EstimatedCostUsd);
    }

    [Fact]
    public async Task A_long_question_is_routed_to_the_strong_model_and_recorded()
    {
        await using var host = BedrockTestHost.Start(new Dictionary<string, string?> { ["Bedrock:Routing:StrongWhenQuestionLongerThan"] = "60" });
        var (events, _) = await AskAsync(host, Question + " I am worried about a colleague who seems withdrawn lately.");

        var answer = Assert.IsType<AnswerCompleted>(events[^1]).AssistantMessage;
        Assert.Equal(BedrockTestHost.StrongModel, answer.Model);
        Assert.Equal([BedrockTestHost.StrongModel], host.Runtime.ModelIds);
        // No price configured for the strong model: the cost stays unknown rather than wrong.
        Assert.Null(answer.EstimatedCostUsd);
    }

    [Fact]
    public async Task Throttling_before_the_first_token_is_retried_then_the_answer_streams()
    {
        await using var host = BedrockTestHost.Start();
        host.Runtime.EnqueueError(429, "ThrottlingException", "Too many requests, please wait before trying again.");
        host.Runtime.EnqueueError(503, "ServiceUnavailableException", "Service unavailable.");

        var (events, _) = await AskAsync(host, Question);

        Assert.Equal("Listen without judgement [1].", Assert.IsType<AnswerCompleted>(events[^1]).AssistantMessage.Text);
        Assert.Equal(3, host.Runtime.Requests.Count);
    }

    [Fact]
    public async Task A_throttling_event_before_any_text_is_retried_too()
    {
        await using var host = BedrockTestHost.Start();
        host.Runtime.EnqueueStream(host.Runtime.DefaultStream with { FailAfterPieces = 0, ExceptionType = "throttlingException" });

        var (events, _) = await AskAsync(host, Question);

        Assert.Equal("Listen without judgement [1].", Assert.IsType<AnswerCompleted>(events[^1]).AssistantMessage.Text);
        Assert.Equal(2, host.Runtime.Requests.Count);
    }

    [Fact]
    public async Task Throttling_beyond_the_retry_budget_names_the_cause_and_keeps_the_question()
    {
        await using var host = BedrockTestHost.Start();
        for (var i = 0; i < 3; i++)
        {
            host.Runtime.EnqueueError(429, "ThrottlingException", "Too many requests, please wait before trying again.");
        }

        var conversationId = Guid.NewGuid().ToString("N");
        var failure = await Assert.ThrowsAsync<AnswerGenerationException>(() => AskAsync(host, Question, conversationId));

        Assert.Equal(3, host.Runtime.Requests.Count);
        var cause = BedrockChatClient.AwsExceptionOf(failure);
        Assert.NotNull(cause);
        Assert.Equal(AwsFailure.Throttled, cause.Failure);
        Assert.Contains("throttling", cause.Message, StringComparison.OrdinalIgnoreCase);
        var stored = await host.Get<IConversationStore>().GetMessagesAsync(conversationId, CancellationToken.None);
        Assert.Equal(Question, stored[0].Text);
        Assert.True(stored[1].Interrupted);
        Assert.Equal(string.Empty, stored[1].Text);
    }

    [Fact]
    public async Task A_stream_cut_mid_answer_keeps_the_partial_marked_interrupted_without_retrying()
    {
        await using var host = BedrockTestHost.Start();
        host.Runtime.EnqueueStream(host.Runtime.DefaultStream with { FailAfterPieces = 2 });
        var conversationId = Guid.NewGuid().ToString("N");

        var failure = await Assert.ThrowsAsync<AnswerGenerationException>(() => AskAsync(host, Question, conversationId));

        Assert.Equal("Listen without ", failure.PartialAnswer.Text);
        Assert.True(failure.PartialAnswer.Interrupted);
        Assert.Equal(AwsFailure.StreamFailed, BedrockChatClient.AwsFailureOf(failure));
        Assert.Single(host.Runtime.Requests);
        var stored = await host.Get<IConversationStore>().GetMessagesAsync(conversationId, CancellationToken.None);
        Assert.Equal("Listen without ", stored[1].Text);
        Assert.True(stored[1].Interrupted);
    }

    [Fact]
    public async Task A_knowledge_base_that_refuses_the_search_ends_the_answer_interrupted_naming_the_cause_before_any_model_call()
    {
        // The fake agent runtime answers ResourceNotFoundException for any knowledge base id but its own.
        await using var host = BedrockTestHost.Start(new Dictionary<string, string?> { ["KnowledgeBase:Id"] = "KBMISSING" });
        var conversationId = Guid.NewGuid().ToString("N");

        var failure = await Assert.ThrowsAsync<AnswerGenerationException>(() => AskAsync(host, Question, conversationId));

        Assert.Equal(AwsFailure.BadConfiguration, BedrockChatClient.AwsFailureOf(failure));
        Assert.Contains("KnowledgeBase:", BedrockChatClient.AwsExceptionOf(failure)!.Message, StringComparison.Ordinal);
        Assert.Empty(host.Runtime.Requests);
        var stored = await host.Get<IConversationStore>().GetMessagesAsync(conversationId, CancellationToken.None);
        Assert.Equal([MessageAuthor.User, MessageAuthor.Assistant], stored.Select(m => m.Author));
        Assert.True(stored[1].Interrupted);
        Assert.Equal(failure.PartialAnswer.Id, stored[1].Id);
    }

    [Fact]
    public async Task A_bad_signature_gets_the_403_answer_as_access_denied_without_retries()
    {
        await using var host = BedrockTestHost.Start(secretKey: "not-the-right-secret");
        var client = host.Get<IChatClient>();

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, Question)], new ChatOptions(), CancellationToken.None))
            {
            }
        });

        Assert.Equal(AwsFailure.AccessDenied, BedrockChatClient.AwsFailureOf(failure));
        Assert.Equal("signature does not match", Assert.Single(host.Runtime.SignatureChecks));
        Assert.Empty(host.Runtime.Requests);
    }

    [Theory]
    [InlineData(429, "ThrottlingException", "Too many requests, please wait before trying again.", AwsFailure.Throttled,
        "Amazon Bedrock is throttling requests (too many at once); please try again in a moment.")]
    [InlineData(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.", AwsFailure.ModelNotEnabled,
        "The Claude model is not enabled for this account in the configured region (Bedrock:FastModelId / Bedrock:StrongModelId, Aws:Region).")]
    [InlineData(403, "AccessDeniedException", "User: arn:aws:sts::111122223333:assumed-role/app is not authorized to perform: bedrock:InvokeModelWithResponseStream", AwsFailure.AccessDenied,
        "Amazon Bedrock denied access: check the AWS credentials and that their IAM policy allows this call.")]
    [InlineData(400, "ValidationException", "The provided model identifier is invalid.", AwsFailure.ModelNotEnabled,
        "The Claude model is not enabled for this account in the configured region (Bedrock:FastModelId / Bedrock:StrongModelId, Aws:Region).")]
    [InlineData(400, "ValidationException", "max_tokens: exceeds the limit", AwsFailure.BadConfiguration,
        "Amazon Bedrock rejected the request: check the configured ids (Aws:Region, Bedrock:*, KnowledgeBase:*).")]
    public async Task Errors_name_their_cause(int status, string type, string awsMessage, AwsFailure expected, string shown)
    {
        await using var host = BedrockTestHost.Start();
        // Enough for the retry budget (2 retries): only throttling is retried, the rest fail on the first answer.
        for (var i = 0; i < 3; i++)
        {
            host.Runtime.EnqueueError(status, type, awsMessage);
        }

        var failure = await Assert.ThrowsAsync<AnswerGenerationException>(() => AskAsync(host, Question));

        var cause = BedrockChatClient.AwsExceptionOf(failure);
        Assert.NotNull(cause);
        Assert.Equal(expected, cause.Failure);
        // What the chat page and the API show: the cause in the operator's terms, never AWS's own text (it may name
        // accounts and roles), which stays in AwsMessage for the logs.
        Assert.Equal(shown, cause.Message);
        Assert.Equal("Amazon Bedrock", cause.Service);
        Assert.Equal(awsMessage, cause.AwsMessage);
        Assert.Equal(expected == AwsFailure.Throttled ? 3 : 1, host.Runtime.Requests.Count);
    }

    [Theory]
    [InlineData("Bedrock:FastModelId")]
    [InlineData("Bedrock:StrongModelId")]
    [InlineData("Aws:Region")]
    public async Task A_missing_bedrock_setting_fails_at_start_naming_the_key(string key)
    {
        await using var host = BedrockTestHost.Start(new Dictionary<string, string?> { [key] = null, ["Retrieval:Provider"] = "Local" });

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
        {
            _ = host.Get<Microsoft.Extensions.Options.IOptions<BedrockOptions>>().Value;
            _ = host.Get<Microsoft.Extensions.Options.IOptions<AwsOptions>>().Value;
        });

        Assert.Contains($"{key} is required when Generation:Provider is Bedrock", failure.Message, StringComparison.Ordinal);
    }

    internal static async Task<(List<AnswerEvent> Events, string ConversationId)> AskAsync(BedrockTestHost host, string question, string? conversationId = null)
    {
        conversationId ??= Guid.NewGuid().ToString("N");
        var events = new List<AnswerEvent>();
        await foreach (var e in host.Get<AnswerPipeline>().AskAsync(
            new AskRequest { UserId = "user-1", Role = AppRoles.Instructor, ConversationId = conversationId, Text = question, Language = "en" },
            CancellationToken.None))
        {
            events.Add(e);
        }

        return (events, conversationId);
    }
}
