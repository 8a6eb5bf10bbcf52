using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace LearningNavigator.Documents;

/// <summary>One document of the library as written in library.json.</summary>
public sealed record LibraryManifestEntry
{
    public required string File { get; init; }
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Language { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }

    public DocumentMetadata ToMetadata() => new()
    {
        Id = Id,
        Title = Title,
        Language = Language,
        Roles = Roles,
        FileName = File,
    };
}

/// <summary>The library folder's library.json: which files are documents and who may see them.</summary>
public sealed record LibraryManifest(IReadOnlyList<LibraryManifestEntry> Documents)
{
    public const string FileName = "library.json";
}

/// <summary>library.json is missing, malformed or has invalid entries; <see cref="Errors"/> names each entry.</summary>
public sealed class LibraryManifestException(string manifestPath, IReadOnlyList<string> errors)
    : Exception($"Invalid library manifest '{manifestPath}': {string.Join(" ", errors)}")
{
    public string ManifestPath { get; } = manifestPath;
    public IReadOnlyList<string> Errors { get; } = errors;
}

public static partial class LibraryManifestLoader
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly string[] Languages = ["en", "es"];

    /// <summary>Reads and validates <c>{folder}/library.json</c>; every problem is reported at once, naming its entry.</summary>
    public static async Task<LibraryManifest> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var manifestPath = Path.Combine(folder, LibraryManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new LibraryManifestException(manifestPath, ["The file does not exist."]);
        }

        ManifestFile? parsed;
        try
        {
            await using var stream = File.OpenRead(manifestPath);
            parsed = await JsonSerializer.DeserializeAsync<ManifestFile>(stream, JsonOptions, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new LibraryManifestException(manifestPath, [$"It is not valid JSON ({ex.Message})."]);
        }

        if (parsed?.Documents is null)
        {
            throw new LibraryManifestException(manifestPath, ["It has no \"documents\" array."]);
        }

        var errors = new List<string>();
        var entries = new List<LibraryManifestEntry>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var root = Path.GetFullPath(folder);
        for (var i = 0; i < parsed.Documents.Count; i++)
        {
            var raw = parsed.Documents[i];
            var name = $"Entry {i + 1} ('{raw?.Id ?? raw?.File ?? "?"}'):";
            if (raw is null)
            {
                errors.Add($"{name} is null.");
                continue;
            }

            var before = errors.Count;
            if (string.IsNullOrWhiteSpace(raw.Id) || !IdPattern().IsMatch(raw.Id))
            {
                errors.Add($"{name} id must be lower-case letters, digits and hyphens.");
            }
            else if (!seenIds.Add(raw.Id))
            {
                errors.Add($"{name} duplicate id '{raw.Id}'.");
            }

            if (string.IsNullOrWhiteSpace(raw.Title))
            {
                errors.Add($"{name} title is missing.");
            }

            if (raw.Language is null || !Languages.Contains(raw.Language, StringComparer.Ordinal))
            {
                errors.Add($"{name} language '{raw.Language}' is not one of {string.Join(", ", Languages)}.");
            }

            if (raw.Roles is null || raw.Roles.Count == 0)
            {
                errors.Add($"{name} roles are missing; list at least one of {string.Join(", ", AppRoles.All)}.");
            }
            else
            {
                foreach (var role in raw.Roles.Where(r => !AppRoles.IsKnown(r)))
                {
                    errors.Add($"{name} role '{role}' is unknown; roles are {string.Join(", ", AppRoles.All)} (lower-case).");
                }
            }

            if (string.IsNullOrWhiteSpace(raw.File))
            {
                errors.Add($"{name} file is missing.");
            }
            else
            {
                var fullPath = Path.GetFullPath(Path.Combine(root, raw.File));
                if (!fullPath.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    errors.Add($"{name} file '{raw.File}' is outside the library folder.");
                }
                else if (!File.Exists(fullPath))
                {
                    errors.Add($"{name} file '{raw.File}' does not exist.");
                }
            }

            if (errors.Count == before)
            {
                entries.Add(new LibraryManifestEntry
                {
                    File = raw.File!,
                    Id = raw.Id!,
                    Title = raw.Title!.Trim(),
                    Language = raw.Language!,
                    Roles = raw.Roles!.Distinct(StringComparer.Ordinal).ToArray(),
                });
            }
        }

        if (errors.Count > 0)
        {
            throw new LibraryManifestException(manifestPath, errors);
        }

        return new LibraryManifest(entries);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    private sealed record ManifestFile([property: JsonPropertyName("documents")] List<RawEntry?>? Documents);

    private sealed record RawEntry(string? File, string? Id, string? Title, string? Language, List<string>? Roles);
}
