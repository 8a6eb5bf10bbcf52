using Microsoft.Extensions.Options;

namespace LearningNavigator.Conversations;

/// <summary>Which durable store backs <see cref="IConversationStore"/>. Bound from <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string Sqlite = "Sqlite";
    public const string DynamoDb = "DynamoDb";

    /// <summary>Providers this build can wire; a provider is added here together with its registration.</summary>
    public static IReadOnlyList<string> SupportedProviders { get; } = [Sqlite, DynamoDb];

    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// When set, DynamoDB expires messages (and their feedback) this many days after they were written,
    /// through the table's TTL attribute. Usage counters and conversations are kept.
    /// </summary>
    public int? RetentionDays { get; set; }

    public static bool IsSupported(string? provider) =>
        provider is not null && SupportedProviders.Contains(provider, StringComparer.OrdinalIgnoreCase);

    internal static string UnsupportedProviderMessage(string? provider) =>
        $"{SectionName}:{nameof(Provider)} is '{provider}', which is not supported. " +
        $"Supported values: {string.Join(", ", SupportedProviders)}.";
}

/// <summary>Names the offending key and value, which a plain DataAnnotations check would not.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!StorageOptions.IsSupported(options.Provider))
        {
            return ValidateOptionsResult.Fail(StorageOptions.UnsupportedProviderMessage(options.Provider));
        }

        return options.RetentionDays is < 1 or > 36_500
            ? ValidateOptionsResult.Fail(
                $"{StorageOptions.SectionName}:{nameof(StorageOptions.RetentionDays)} is {options.RetentionDays}: use 1 to 36500 days, or leave it unset to keep messages.")
            : ValidateOptionsResult.Success;
    }
}
