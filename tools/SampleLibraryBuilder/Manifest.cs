using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningNavigator.Tools.SampleLibraryBuilder;

/// <summary>Shape of LearningNavigator.Web/SampleLibrary/library.json.</summary>
internal sealed record LibraryManifest
{
    [JsonPropertyName("documents")]
    public required IReadOnlyList<ManifestEntry> Documents { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { ReadCommentHandling = JsonCommentHandling.Skip };

    public static LibraryManifest Load(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<LibraryManifest>(stream, JsonOptions)
               ?? throw new InvalidDataException($"{path} is empty.");
    }
}

internal sealed record ManifestEntry
{
    [JsonPropertyName("file")] public required string File { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("language")] public required string Language { get; init; }
    [JsonPropertyName("roles")] public required IReadOnlyList<string> Roles { get; init; }

    public string Extension => Path.GetExtension(File).ToLowerInvariant();
}
