using System.ClientModel;
using LearningNavigator.Generation.Bedrock;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI;

namespace LearningNavigator.Generation;

public static class GenerationServiceCollectionExtensions
{
    /// <summary>Registers the configured <see cref="IChatClient"/> as a singleton: the extractive answerer or an OpenAI-compatible server.</summary>
    public static IServiceCollection AddGeneration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GenerationOptions>()
            .Bind(configuration.GetSection(GenerationOptions.SectionName))
            .Validate(
                o => GenerationOptions.Providers.Contains(o.Provider, StringComparer.OrdinalIgnoreCase),
                $"Generation:Provider must be one of: {string.Join(", ", GenerationOptions.Providers)}.")
            .ValidateOnStart();

        services.AddOptions<ExtractiveAnswererOptions>()
            .Bind(configuration.GetSection(ExtractiveAnswererOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Endpoint and model only matter when the provider is chosen; otherwise they may be absent.
        services.AddOptions<OpenAICompatibleOptions>()
            .Bind(configuration.GetSection(OpenAICompatibleOptions.SectionName))
            .Validate<IOptions<GenerationOptions>>(
                (o, generation) => !IsOpenAICompatible(generation.Value) || o.Endpoint is { IsAbsoluteUri: true },
                "Generation:OpenAICompatible:Endpoint is required (an absolute URL) when Generation:Provider is OpenAICompatible.")
            .Validate<IOptions<GenerationOptions>>(
                (o, generation) => !IsOpenAICompatible(generation.Value) || !string.IsNullOrWhiteSpace(o.Model),
                "Generation:OpenAICompatible:Model is required when Generation:Provider is OpenAICompatible.")
            .ValidateOnStart();
        services.AddBedrockGeneration(configuration);
        services.AddOptions<PacedOptions>()
            .Bind(configuration.GetSection(PacedOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<IChatClient>(sp =>
        {
            var generation = sp.GetRequiredService<IOptions<GenerationOptions>>().Value;
            if (BedrockGenerationServiceCollectionExtensions.IsBedrock(generation))
            {
                return BedrockGenerationServiceCollectionExtensions.Create(sp);
            }

            if (string.Equals(generation.Provider, GenerationOptions.PacedProvider, StringComparison.OrdinalIgnoreCase))
            {
                return new PacedChatClient(sp.GetRequiredService<IOptions<PacedOptions>>());
            }

            return IsOpenAICompatible(generation)
                ? CreateOpenAICompatibleClient(sp.GetRequiredService<IOptions<OpenAICompatibleOptions>>().Value)
                : new ExtractiveChatClient(sp.GetRequiredService<IOptions<ExtractiveAnswererOptions>>());
        });
        return services;
    }

    private static bool IsOpenAICompatible(GenerationOptions options) =>
        string.Equals(options.Provider, GenerationOptions.OpenAICompatibleProvider, StringComparison.OrdinalIgnoreCase);

    private static IChatClient CreateOpenAICompatibleClient(OpenAICompatibleOptions options) =>
        // Local servers (Ollama, llama.cpp, vLLM) ignore the key, but the SDK insists on one.
        new OpenAIClient(
                new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "unused" : options.ApiKey),
                new OpenAIClientOptions { Endpoint = options.Endpoint })
            .GetChatClient(options.Model)
            .AsIChatClient();
}
