using LearningNavigator.Chat;
using LearningNavigator.Generation;
using LearningNavigator.Generation.Bedrock;
using LearningNavigator.Knowledge;
using LearningNavigator.Tests.Domain.Generation.Bedrock;
using LearningNavigator.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Chat;

public sealed class ModelRoutingAndCacheTests
{
    [Theory]
    [InlineData("instructor", 20, 2, false)]
    [InlineData("instructor", 301, 2, true)]
    [InlineData("instructor", 20, 6, true)]
    [InlineData("admin", 20, 1, true)]
    [InlineData("staff", 20, 1, false)]
    public void The_routing_rule_picks_the_strong_model_when_any_condition_holds(string role, int questionLength, int passages, bool strong)
    {
        var router = new ModelRouter(
            Options.Create(new GenerationOptions { Provider = "Bedrock" }),
            Options.Create(new BedrockOptions { FastModelId = "fast", StrongModelId = "strong" }),
            Options.Create(new ModelRoutingOptions { StrongForRoles = ["admin"] }));

        Assert.Equal(strong ? "strong" : "fast", router.Choose(role, new string('a', questionLength), passages));
    }

    [Fact]
    public void Other_providers_are_not_routed()
    {
        var router = new ModelRouter(
            Options.Create(new GenerationOptions()),
            Options.Create(new BedrockOptions { FastModelId = "fast", StrongModelId = "strong" }),
            Options.Create(new ModelRoutingOptions()));

        Assert.Null(router.Choose("admin", "question", 10));
    }

    [Fact]
    public void The_cache_key_ignores_case_and_spacing_but_not_role_language_or_passages()
    {
        RetrievedPassage[] passages = [Passage("a#1"), Passage("b#2")];
        var key = ResponseCache.Key("How do I  refund?", "staff", "en", passages);

        Assert.Equal(key, ResponseCache.Key("  how do i refund? ", "staff", "en", passages));
        Assert.NotEqual(key, ResponseCache.Key("How do I refund?", "instructor", "en", passages));
        Assert.NotEqual(key, ResponseCache.Key("How do I refund?", "staff", "es", passages));
        Assert.NotEqual(key, ResponseCache.Key("How do I refund?", "staff", "en", [Passage("a#1"), Passage("c#3")]));
    }

    [Fact]
    public async Task The_second_identical_question_is_served_from_the_cache_and_changed_passages_miss_it()
    {
        await using var host = BedrockTestHost.Start();
        var statistics = host.Get<ResponseCacheStatistics>();
        const string question = "How do I listen to someone in distress?";

        var (first, _) = await BedrockGenerationTests.AskAsync(host, question);
        var (second, _) = await BedrockGenerationTests.AskAsync(host, "how do I listen to someone in  distress?");

        Assert.Single(host.Runtime.Requests);
        var cachedAnswer = Assert.IsType<AnswerCompleted>(second[^1]).AssistantMessage;
        Assert.Equal(Assert.IsType<AnswerCompleted>(first[^1]).AssistantMessage.Text, cachedAnswer.Text);
        Assert.Equal(BedrockTestHost.FastModel, cachedAnswer.Model);
        Assert.Single(cachedAnswer.Citations);
        Assert.Equal(1, statistics.Hits);
        Assert.Equal(1, statistics.Misses);
        Assert.Equal(0.5, statistics.HitRate);

        host.AgentRuntime.Results = [FakeAgentRuntime.Result("s3://kb-bucket/documents/new.pdf", "Listen and reassure.", 1, 0.9)];
        await BedrockGenerationTests.AskAsync(host, question);

        Assert.Equal(2, host.Runtime.Requests.Count);
        Assert.Equal(2, statistics.Misses);
    }

    [Fact]
    public void Prices_match_the_model_id_without_its_version_suffix()
    {
        var costs = new UsageCosts(Options.Create(new BedrockOptions
        {
            Prices = new(StringComparer.OrdinalIgnoreCase)
            {
                ["claude-3-5-haiku"] = new ModelPrice { InputPerMTok = 1, OutputPerMTok = 5, CacheReadPerMTok = 0.1m, CacheWritePerMTok = 1.25m },
                ["anthropic.claude-3-5-haiku-20241022-v1"] = new ModelPrice { InputPerMTok = 0.8m, OutputPerMTok = 4, CacheReadPerMTok = 0.08m, CacheWritePerMTok = 1 },
            },
        }));
        var usage = new Microsoft.Extensions.AI.UsageDetails
        {
            InputTokenCount = 1_300,
            OutputTokenCount = 200,
            CachedInputTokenCount = 1_000,
            AdditionalCounts = new() { [UsageCosts.CacheWriteKey] = 100 },
        };

        var measured = costs.Measure(usage, "us.anthropic.claude-3-5-haiku-20241022-v1:0");

        Assert.Equal(new MessageUsage(1_300, 200, 1_000, 100, ((200 * 0.8m) + (200 * 4m) + (1_000 * 0.08m) + (100 * 1m)) / 1_000_000m), measured);
        Assert.Null(costs.Measure(usage, "some-other-model").EstimatedCostUsd);
    }

    private static RetrievedPassage Passage(string chunkId) =>
        new() { ChunkId = chunkId, DocumentId = chunkId[..1], Title = "T", Language = "en", Text = "text", Score = 1 };
}
