using LearningNavigator.Generation.Bedrock;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Chat;

/// <summary>The token counts of one answer, split the way providers bill them.</summary>
public sealed record MessageUsage(int? InputTokens, int? OutputTokens, int? CacheReadTokens, int? CacheWriteTokens, decimal? EstimatedCostUsd);

/// <summary>Reads an answer's usage and prices it from the table in "Bedrock:Prices".</summary>
public sealed class UsageCosts(IOptions<BedrockOptions> bedrock)
{
    /// <summary>The key Anthropic's IChatClient uses for prompt tokens written to the cache.</summary>
    public const string CacheWriteKey = "CacheCreationInputTokens";

    public MessageUsage Measure(UsageDetails? usage, string? model)
    {
        if (usage is null)
        {
            return new MessageUsage(null, null, null, null, null);
        }

        // Anthropic's adapter reports the input total including cached tokens; the cached part separately.
        var input = usage.InputTokenCount;
        var output = usage.OutputTokenCount;
        var cacheRead = usage.CachedInputTokenCount;
        long? cacheWrite = usage.AdditionalCounts is { } counts && counts.TryGetValue(CacheWriteKey, out var written) ? written : null;
        var cost = model is not null && bedrock.Value.FindPrice(model) is { } price
            ? price.Cost(
                Math.Max(0, (input ?? 0) - (cacheRead ?? 0) - (cacheWrite ?? 0)),
                output ?? 0,
                cacheRead ?? 0,
                cacheWrite ?? 0)
            : (decimal?)null;
        return new MessageUsage((int?)input, (int?)output, (int?)cacheRead, (int?)cacheWrite, cost);
    }
}
