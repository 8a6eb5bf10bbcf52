namespace LearningNavigator.Generation.Bedrock;

/// <summary>Claude on Amazon Bedrock (section "Bedrock").</summary>
public sealed class BedrockOptions
{
    public const string SectionName = "Bedrock";

    /// <summary>What InvokeModel's body must carry for Claude, as AWS documents it.</summary>
    public const string AnthropicVersion = "bedrock-2023-05-31";

    /// <summary>The Haiku-class model (or inference profile id) for ordinary questions.</summary>
    public string? FastModelId { get; set; }

    /// <summary>The Sonnet-class model (or inference profile id) for long or broad questions.</summary>
    public string? StrongModelId { get; set; }

    /// <summary>
    /// USD per million tokens by model. ':' separates configuration sections, so a key is the model id without its
    /// ':N' suffix (or any distinctive part of it): the longest key the model id contains wins.
    /// </summary>
    public Dictionary<string, ModelPrice> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ModelPrice? FindPrice(string modelId) =>
        Prices.TryGetValue(modelId, out var exact)
            ? exact
            : Prices.Where(p => modelId.Contains(p.Key, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(p => p.Key.Length)
                .Select(p => p.Value)
                .FirstOrDefault();
}

/// <summary>USD per million tokens.</summary>
public sealed class ModelPrice
{
    public decimal InputPerMTok { get; set; }

    public decimal OutputPerMTok { get; set; }

    public decimal CacheReadPerMTok { get; set; }

    public decimal CacheWritePerMTok { get; set; }

    public decimal Cost(long uncachedInput, long output, long cacheRead, long cacheWrite) =>
        ((uncachedInput * InputPerMTok) + (output * OutputPerMTok) + (cacheRead * CacheReadPerMTok) + (cacheWrite * CacheWritePerMTok))
        / 1_000_000m;
}
