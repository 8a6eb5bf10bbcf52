using Microsoft.Extensions.Options;

namespace LearningNavigator.Conversations;

/// <summary>Which durable store backs <see cref="IConversationStore"/>. Bound from <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string Sqlite = "Sqlite";

    /// <summary>Providers this build can wire; a provider is added here together with its registration.</summary>
    public static IReadOnlyList<string> SupportedProviders { get; } = [Sqlite];

    public string Provider { get; set; } = Sqlite;

    public static bool IsSupported(string? provider) =>
        provider is not null && SupportedProviders.Contains(provider, StringComparer.OrdinalIgnoreCase);

    internal static string UnsupportedProviderMessage(string? provider) =>
        $"{SectionName}:{nameof(Provider)} is '{provider}', which is not supported. " +
        $"Supported values: {string.Join(", ", SupportedProviders)}.";
}

/// <summary>Names the offending key and value, which a plain DataAnnotations check would not.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        StorageOptions.IsSupported(options.Provider)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(StorageOptions.UnsupportedProviderMessage(options.Provider));
}
