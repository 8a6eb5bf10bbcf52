using LearningNavigator.Generation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Generation;

public sealed class GenerationRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddGeneration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void Default_provider_is_the_extractive_client_as_a_singleton()
    {
        using var provider = Build([]);

        var client = provider.GetRequiredService<IChatClient>();

        Assert.IsType<ExtractiveChatClient>(client);
        Assert.Same(client, provider.GetRequiredService<IChatClient>());
        Assert.Equal(TimeSpan.FromMilliseconds(15), provider.GetRequiredService<IOptions<ExtractiveAnswererOptions>>().Value.WordDelay);
    }

    [Fact]
    public void Extractive_options_bind_from_their_section()
    {
        using var provider = Build(new()
        {
            ["Generation:Extractive:WordDelay"] = "00:00:00",
            ["Generation:Extractive:MaxSentences"] = "2",
            ["Generation:Extractive:MinimumRelevance"] = "0.5",
        });

        var options = provider.GetRequiredService<IOptions<ExtractiveAnswererOptions>>().Value;

        Assert.Equal(TimeSpan.Zero, options.WordDelay);
        Assert.Equal(2, options.MaxSentences);
        Assert.Equal(0.5, options.MinimumRelevance);
    }

    [Fact]
    public void OpenAI_compatible_provider_creates_an_openai_chat_client()
    {
        using var provider = Build(new()
        {
            ["Generation:Provider"] = "OpenAICompatible",
            ["Generation:OpenAICompatible:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Generation:OpenAICompatible:Model"] = "llama3",
        });

        var client = provider.GetRequiredService<IChatClient>();

        var metadata = client.GetService<ChatClientMetadata>();
        Assert.Equal("openai", metadata?.ProviderName);
        Assert.Equal("llama3", metadata?.DefaultModelId);
    }

    [Theory]
    [InlineData("Generation:Provider", "Gpt", "Generation:Provider")]
    [InlineData("Generation:Extractive:MaxSentences", "0", "Generation:Extractive:MaxSentences")]
    [InlineData("Generation:Extractive:MinimumRelevance", "2", "Generation:Extractive:MinimumRelevance")]
    [InlineData("Generation:Extractive:WordDelay", "00:01:00", "Generation:Extractive:WordDelay")]
    public void Invalid_settings_fail_naming_the_key(string key, string value, string expected)
    {
        using var provider = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<GenerationOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<ExtractiveAnswererOptions>>().Value;
        });

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "llama3", "Generation:OpenAICompatible:Endpoint")]
    [InlineData("http://127.0.0.1:9/v1", null, "Generation:OpenAICompatible:Model")]
    public void OpenAI_compatible_requires_endpoint_and_model_only_when_chosen(string? endpoint, string? model, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Generation:OpenAICompatible:Endpoint"] = endpoint,
            ["Generation:OpenAICompatible:Model"] = model,
        };
        using (var extractive = Build(settings))
        {
            Assert.IsType<ExtractiveChatClient>(extractive.GetRequiredService<IChatClient>());
        }

        settings["Generation:Provider"] = "OpenAICompatible";
        using var provider = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IChatClient>());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
