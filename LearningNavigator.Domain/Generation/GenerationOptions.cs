namespace LearningNavigator.Generation;

/// <summary>Which model writes answers (section "Generation").</summary>
public sealed class GenerationOptions
{
    public const string SectionName = "Generation";
    public const string ExtractiveProvider = "Extractive";
    public const string OpenAICompatibleProvider = "OpenAICompatible";
    public const string BedrockProvider = "Bedrock";
    /// <summary>A fake model with a fixed inter-token delay: a load-testing aid, see <see cref="PacedOptions"/>.</summary>
    public const string PacedProvider = "Paced";

    public static IReadOnlyList<string> Providers { get; } = [ExtractiveProvider, OpenAICompatibleProvider, BedrockProvider, PacedProvider];

    /// <summary>"Extractive" (offline, the default), "OpenAICompatible" or "Bedrock" (Claude on Amazon Bedrock).</summary>
    public string Provider { get; set; } = ExtractiveProvider;
}

/// <summary>Any server speaking OpenAI's chat-completions API (section "Generation:OpenAICompatible").</summary>
public sealed class OpenAICompatibleOptions
{
    public const string SectionName = "Generation:OpenAICompatible";

    /// <summary>Base address including the version path, for example http://localhost:11434/v1.</summary>
    public Uri? Endpoint { get; set; }

    public string? Model { get; set; }

    /// <summary>Optional: local servers usually accept any key.</summary>
    public string? ApiKey { get; set; }
}
