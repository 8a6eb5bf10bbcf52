using System.Security.Cryptography;
using System.Text;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Chat;

/// <summary>Section "Chat:ResponseCache".</summary>
public sealed class ResponseCacheOptions
{
    public const string SectionName = "Chat:ResponseCache";

    /// <summary>Unset: on when a paid model answers (Generation:Provider=Bedrock), off otherwise.</summary>
    public bool? Enabled { get; set; }

    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>An answer worth serving again: same question, role, language and the very same passages.</summary>
public sealed record CachedAnswer(string Text, string? Model);

/// <summary>Hits and misses since start; the analytics dashboard can read them.</summary>
public sealed class ResponseCacheStatistics
{
    private long hits;
    private long misses;

    public long Hits => Interlocked.Read(ref hits);

    public long Misses => Interlocked.Read(ref misses);

    /// <summary>Hits over lookups, 0 when nothing was looked up yet.</summary>
    public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    internal void RecordHit() => Interlocked.Increment(ref hits);

    internal void RecordMiss() => Interlocked.Increment(ref misses);
}

/// <summary>
/// Answers keyed by SHA-256 of the normalised question, role, language and the ids of the retrieved passages, so
/// a changed document (new passages) never serves a stale answer.
/// </summary>
public sealed class ResponseCache(
    HybridCache cache,
    ResponseCacheStatistics statistics,
    IOptions<ResponseCacheOptions> options,
    IOptions<GenerationOptions> generation)
{
    private const HybridCacheEntryFlags ReadOnly =
        HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite;

    public bool Enabled => options.Value.Enabled
        ?? string.Equals(generation.Value.Provider, GenerationOptions.BedrockProvider, StringComparison.OrdinalIgnoreCase);

    public static string Key(string question, string role, string language, IEnumerable<RetrievedPassage> passages)
    {
        var normalised = string.Join(' ', question.Normalize(NormalizationForm.FormKC).ToLowerInvariant()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var material = new StringBuilder(normalised)
            .Append('\n').Append(role.ToLowerInvariant())
            .Append('\n').Append(language.ToLowerInvariant());
        foreach (var passage in passages)
        {
            material.Append('\n').Append(passage.ChunkId);
        }

        return "answer:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material.ToString())));
    }

    public async ValueTask<CachedAnswer?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return null;
        }

        var found = await cache.GetOrCreateAsync<CachedAnswer?>(
            key,
            _ => ValueTask.FromResult<CachedAnswer?>(null),
            new HybridCacheEntryOptions { Flags = ReadOnly },
            cancellationToken: cancellationToken);
        if (found is null)
        {
            statistics.RecordMiss();
        }
        else
        {
            statistics.RecordHit();
        }

        return found;
    }

    public async ValueTask SetAsync(string key, CachedAnswer answer, CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            var ttl = options.Value.Ttl;
            await cache.SetAsync(key, answer, new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl }, cancellationToken: cancellationToken);
        }
    }
}
