using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using LearningNavigator.Web.Auth;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Api.Keys;

/// <summary>A personal API key as its owner sees it on the keys page. The secret itself is never kept.</summary>
public sealed record ApiKeyInfo
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>The first characters of the key, enough for its owner to tell keys apart.</summary>
    public required string Prefix { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
}

/// <summary>A key just created: <see cref="Secret"/> is shown once and cannot be read back.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Key, string Secret);

public sealed record ApiKeyOwner(string KeyId, string UserId);

/// <summary>
/// Personal API keys in the accounts database. Only the SHA-256 of a key is stored: a key carries 256 random bits,
/// so a plain hash cannot be reversed by guessing, and lookup by hash stays one indexed read per request.
/// </summary>
/// <remarks>
/// The table is created on first use with IF NOT EXISTS rather than through the Identity context, so databases
/// created before keys existed gain it without a migration, and Identity's own EnsureCreated (which skips a
/// database that already has tables) has always run first: the first use is a request, after start-up.
/// </remarks>
public sealed class ApiKeyStore(IOptions<AccountsOptions> options, TimeProvider time) : IDisposable
{
    public const string KeyPrefix = "ln_";
    public const int MaxNameLength = 60;
    public const int MaxActiveKeysPerUser = 10;
    private const int ShownPrefixLength = 8;
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim schemaLock = new(1, 1);
    private volatile bool schemaReady;

    public async Task<CreatedApiKey> CreateAsync(string userId, string name, CancellationToken cancellationToken)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0 || trimmed.Length > MaxNameLength)
        {
            throw new ArgumentException($"A key name is 1 to {MaxNameLength} characters long.", nameof(name));
        }

        var secret = KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKeyInfo
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Name = trimmed,
            Prefix = secret[..(KeyPrefix.Length + ShownPrefixLength)],
            CreatedAt = time.GetUtcNow(),
        };

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var active = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COUNT(*) FROM ApiKeys WHERE UserId = @userId AND RevokedAt IS NULL", new { userId }, transaction, cancellationToken: cancellationToken));
        if (active >= MaxActiveKeysPerUser)
        {
            throw new InvalidOperationException($"You already have {MaxActiveKeysPerUser} keys; revoke one first.");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ApiKeys (Id, UserId, Name, Prefix, Hash, CreatedAt) VALUES (@Id, @userId, @Name, @Prefix, @hash, @CreatedAt)",
            new { key.Id, userId, key.Name, key.Prefix, hash = Hash(secret), CreatedAt = key.CreatedAt.ToString("O") },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    /// <summary>The user's keys that still work, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(
            "SELECT Id, Name, Prefix, CreatedAt, LastUsedAt FROM ApiKeys WHERE UserId = @userId AND RevokedAt IS NULL ORDER BY CreatedAt DESC",
            new { userId },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new ApiKeyInfo
        {
            Id = r.Id,
            Name = r.Name,
            Prefix = r.Prefix,
            CreatedAt = DateTimeOffset.Parse(r.CreatedAt, System.Globalization.CultureInfo.InvariantCulture),
            LastUsedAt = r.LastUsedAt is null ? null : DateTimeOffset.Parse(r.LastUsedAt, System.Globalization.CultureInfo.InvariantCulture),
        })];
    }

    /// <summary>Revokes one of the user's keys; false when it is not theirs or already revoked. Takes effect on the next request.</summary>
    public async Task<bool> RevokeAsync(string userId, string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ApiKeys SET RevokedAt = @now WHERE Id = @keyId AND UserId = @userId AND RevokedAt IS NULL",
            new { keyId, userId, now = time.GetUtcNow().ToString("O") },
            cancellationToken: cancellationToken));
        return changed == 1;
    }

    /// <summary>Whose key this is, or null when it is unknown or revoked.</summary>
    public async Task<ApiKeyOwner?> FindOwnerAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<OwnerRow>(new CommandDefinition(
            "SELECT Id, UserId, LastUsedAt FROM ApiKeys WHERE Hash = @hash AND RevokedAt IS NULL",
            new { hash = Hash(secret) },
            cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        // Last use is shown to a few minutes' precision, so a busy key does not cost a write per request.
        var now = time.GetUtcNow();
        if (row.LastUsedAt is null || now - DateTimeOffset.Parse(row.LastUsedAt, System.Globalization.CultureInfo.InvariantCulture) > LastUsedResolution)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE ApiKeys SET LastUsedAt = @now WHERE Id = @Id", new { now = now.ToString("O"), row.Id }, cancellationToken: cancellationToken));
        }

        return new ApiKeyOwner(row.Id, row.UserId);
    }

    public void Dispose() => schemaLock.Dispose();

    internal static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection($"Data Source={options.Value.DatabasePath}");
        await connection.OpenAsync(cancellationToken);
        if (!schemaReady)
        {
            await schemaLock.WaitAsync(cancellationToken);
            try
            {
                if (!schemaReady)
                {
                    await connection.ExecuteAsync(
                        """
                        CREATE TABLE IF NOT EXISTS ApiKeys (
                            Id TEXT NOT NULL PRIMARY KEY,
                            UserId TEXT NOT NULL,
                            Name TEXT NOT NULL,
                            Prefix TEXT NOT NULL,
                            Hash TEXT NOT NULL UNIQUE,
                            CreatedAt TEXT NOT NULL,
                            LastUsedAt TEXT NULL,
                            RevokedAt TEXT NULL);
                        CREATE INDEX IF NOT EXISTS IX_ApiKeys_UserId ON ApiKeys (UserId);
                        """);
                    schemaReady = true;
                }
            }
            finally
            {
                schemaLock.Release();
            }
        }

        return connection;
    }

    private sealed record KeyRow(string Id, string Name, string Prefix, string CreatedAt, string? LastUsedAt);

    private sealed record OwnerRow(string Id, string UserId, string? LastUsedAt);
}
