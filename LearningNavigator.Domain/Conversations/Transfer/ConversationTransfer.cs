using System.Text.Json;
using System.Text.Json.Serialization;
using LearningNavigator.Escalations;

namespace LearningNavigator.Conversations.Transfer;

/// <summary>The stores an export reads and an import writes: everything the app keeps about conversations.</summary>
public sealed record TransferStores(IConversationStore Conversations, IUsageStore Usage, IEscalationStore Escalations);

/// <summary>
/// Moves everything a store holds to another store as JSON lines: users, each conversation followed by its
/// messages in order, feedback, escalations, and the hourly aggregates (usage rows, citation counts, active-user
/// markers). The aggregates travel as they are, not rebuilt from the records: they outlive the records they
/// counted (a deleted conversation, an expired message), so a rebuild would lose those counts.
/// </summary>
public static class ConversationTransfer
{
    public const string Format = "learning-navigator-conversations";

    /// <summary>2 added escalations and the aggregates. Version 1 files still import; they carry no aggregates, so the
    /// importing store's counters are those its saves of the records add up to.</summary>
    public const int Version = 2;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
        // A "null" where the record has no null (a user, a title) is a bad line, not a crash halfway through writing.
        RespectNullableAnnotations = true,
    };

    public static async Task<TransferCounts> ExportAsync(TransferStores stores, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        await WriteAsync(writer, new HeaderLine(Format, Version), cancellationToken);
        var users = await WriteAllAsync(writer, stores.Conversations.ReadAllUsersAsync(cancellationToken), user => new UserLine(user), cancellationToken);

        int conversations = 0, messages = 0;
        await foreach (var conversation in stores.Conversations.ReadAllConversationsAsync(cancellationToken))
        {
            await WriteAsync(writer, new ConversationLine(conversation), cancellationToken);
            conversations++;
            foreach (var message in await stores.Conversations.GetMessagesAsync(conversation.Id, cancellationToken))
            {
                await WriteAsync(writer, new MessageLine(message), cancellationToken);
                messages++;
            }
        }

        var counts = new TransferCounts
        {
            Users = users,
            Conversations = conversations,
            Messages = messages,
            Feedback = await WriteAllAsync(writer, stores.Conversations.ReadAllFeedbackAsync(cancellationToken), feedback => new FeedbackLine(feedback), cancellationToken),
            Escalations = await WriteAllAsync(writer, stores.Escalations.ReadAllAsync(cancellationToken), escalation => new EscalationLine(escalation), cancellationToken),
            UsageRows = await WriteAllAsync(writer, stores.Usage.ReadAllUsageAsync(cancellationToken), UsageLine.From, cancellationToken),
            CitationCounts = await WriteAllAsync(writer, stores.Usage.ReadAllCitationUsageAsync(cancellationToken), CitationLine.From, cancellationToken),
            ActiveUsers = await WriteAllAsync(writer, stores.Usage.ReadAllActiveUsersAsync(cancellationToken), ActiveUserLine.From, cancellationToken),
        };
        await writer.FlushAsync(cancellationToken);
        return counts;
    }

    /// <summary>One line per item, in the order the store gives them; returns how many.</summary>
    private static async Task<int> WriteAllAsync<T>(TextWriter writer, IAsyncEnumerable<T> items, Func<T, TransferLine> line, CancellationToken cancellationToken)
    {
        var written = 0;
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            await WriteAsync(writer, line(item), cancellationToken);
            written++;
        }

        return written;
    }

    /// <summary>
    /// Reads and checks every line, then checks that the target holds nothing the file lacks, before writing
    /// anything; then writes the records in file order, the escalations, and last sets the aggregates to the
    /// file's. Every write is idempotent, so importing the same file twice leaves the same data.
    /// </summary>
    /// <remarks>
    /// Setting the aggregates is only lossless when the target has counted nothing the file does not hold, which is
    /// why a target with other users, conversations, messages, feedback, escalations or aggregates is refused: the
    /// import moves a store into an empty one, or runs again (the same or a later export of the same source).
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is not an export, or a line is bad; the message names the line.</exception>
    /// <exception cref="ImportConflictException">The target holds something the file does not; nothing was written.</exception>
    public static async Task<TransferCounts> ImportAsync(TransferStores stores, TextReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var file = await ReadAndCheckAsync(reader, cancellationToken);
        await CheckTargetAsync(stores, file, cancellationToken);
        foreach (var line in file.Lines)
        {
            switch (line)
            {
                case UserLine u:
                    await stores.Conversations.UpsertUserAsync(u.User, cancellationToken);
                    break;
                case ConversationLine c:
                    await stores.Conversations.CreateConversationAsync(c.Conversation, cancellationToken);
                    break;
                case MessageLine m:
                    await stores.Conversations.SaveMessageAsync(m.Message, cancellationToken);
                    break;
                case FeedbackLine f:
                    await stores.Conversations.SaveFeedbackAsync(f.Feedback, cancellationToken);
                    break;
                case EscalationLine e:
                    await ImportEscalationAsync(stores.Escalations, e.Escalation, cancellationToken);
                    break;
            }
        }

        if (file.HasAggregates)
        {
            // Last: the saves above added what the records count, and this sets each row to the source's value.
            await stores.Usage.RestoreUsageAsync(file.Aggregates, cancellationToken);
        }

        return new TransferCounts
        {
            Users = file.Lines.OfType<UserLine>().Count(),
            Conversations = file.Lines.OfType<ConversationLine>().Count(),
            Messages = file.Lines.OfType<MessageLine>().Count(),
            Feedback = file.Lines.OfType<FeedbackLine>().Count(),
            Escalations = file.Lines.OfType<EscalationLine>().Count(),
            UsageRows = file.Aggregates.Usage.Count,
            CitationCounts = file.Aggregates.Citations.Count,
            ActiveUsers = file.Aggregates.ActiveUsers.Count,
        };
    }

    /// <summary>
    /// Created as exported (status, notes, version); one already there at an older version is brought to the file's
    /// through the store's own versioned update, one step at a time, so its open count stays right.
    /// </summary>
    private static async Task ImportEscalationAsync(IEscalationStore store, Escalation escalation, CancellationToken cancellationToken)
    {
        if (await store.CreateAsync(escalation, cancellationToken))
        {
            return;
        }

        var stored = await store.GetAsync(escalation.Id, cancellationToken)
            ?? throw new ImportConflictException($"Escalation '{escalation.Id}' could be neither created nor read in the target.");
        for (var version = stored.Version + 1; version <= escalation.Version; version++)
        {
            if (!await store.UpdateAsync(escalation with { Version = version }, cancellationToken))
            {
                throw new ImportConflictException($"Escalation '{escalation.Id}' was changed in the target while it was imported; run the import again.");
            }
        }
    }

    private static async Task CheckTargetAsync(TransferStores stores, TransferFile file, CancellationToken cancellationToken)
    {
        var users = file.Lines.OfType<UserLine>().Select(u => u.User.Id).ToHashSet(StringComparer.Ordinal);
        await foreach (var user in stores.Conversations.ReadAllUsersAsync(cancellationToken))
        {
            Refuse(!users.Contains(user.Id), $"user '{user.Id}'");
        }

        var owners = file.Lines.OfType<ConversationLine>().ToDictionary(c => c.Conversation.Id, c => c.Conversation.UserId, StringComparer.Ordinal);
        var messages = file.Lines.OfType<MessageLine>().Select(m => m.Message.Id).ToHashSet(StringComparer.Ordinal);
        await foreach (var conversation in stores.Conversations.ReadAllConversationsAsync(cancellationToken))
        {
            Refuse(!owners.TryGetValue(conversation.Id, out var owner), $"conversation '{conversation.Id}'");
            if (owner != conversation.UserId)
            {
                throw new ImportConflictException(
                    $"Conversation '{conversation.Id}' belongs to '{conversation.UserId}' in the target and to '{owner}' in the file. Nothing was imported.");
            }

            foreach (var message in await stores.Conversations.GetMessagesAsync(conversation.Id, cancellationToken))
            {
                Refuse(!messages.Contains(message.Id), $"message '{message.Id}' in conversation '{conversation.Id}'");
            }
        }

        var feedback = file.Lines.OfType<FeedbackLine>().Select(f => (f.Feedback.MessageId, f.Feedback.UserId)).ToHashSet();
        await foreach (var rating in stores.Conversations.ReadAllFeedbackAsync(cancellationToken))
        {
            Refuse(!feedback.Contains((rating.MessageId, rating.UserId)), $"feedback by '{rating.UserId}' on message '{rating.MessageId}'");
        }

        var escalations = file.Lines.OfType<EscalationLine>().ToDictionary(e => e.Escalation.Id, e => e.Escalation, StringComparer.Ordinal);
        await foreach (var stored in stores.Escalations.ReadAllAsync(cancellationToken))
        {
            Refuse(!escalations.TryGetValue(stored.Id, out var exported), $"escalation '{stored.Id}'");
            if (stored.Version > exported!.Version
                || (stored.Version == exported.Version && JsonSerializer.Serialize(stored, JsonOptions) != JsonSerializer.Serialize(exported, JsonOptions)))
            {
                throw new ImportConflictException(
                    $"Escalation '{stored.Id}' is at version {stored.Version} in the target, a different record from the file's version {exported.Version}. Nothing was imported.");
            }
        }

        if (!file.HasAggregates)
        {
            return;
        }

        var rows = file.Aggregates.Usage.Select(r => r.Key).ToHashSet();
        await foreach (var row in stores.Usage.ReadAllUsageAsync(cancellationToken))
        {
            Refuse(!rows.Contains(row.Key), $"usage counted on {row.Key.Day:yyyy-MM-dd} hour {row.Key.Hour} for role '{row.Role}' and language '{row.Language}'");
        }

        var citations = file.Aggregates.Citations.Select(c => (c.Key, c.DocumentId)).ToHashSet();
        await foreach (var citation in stores.Usage.ReadAllCitationUsageAsync(cancellationToken))
        {
            Refuse(!citations.Contains((citation.Key, citation.DocumentId)), $"citations of '{citation.DocumentId}' counted on {citation.Key.Day:yyyy-MM-dd} hour {citation.Key.Hour}");
        }

        var markers = file.Aggregates.ActiveUsers.ToHashSet();
        await foreach (var marker in stores.Usage.ReadAllActiveUsersAsync(cancellationToken))
        {
            Refuse(!markers.Contains(marker), $"an active-user marker of '{marker.UserId}' on {marker.Usage.Day:yyyy-MM-dd} hour {marker.Usage.Hour}");
        }
    }

    private static void Refuse(bool extra, string what)
    {
        if (extra)
        {
            throw new ImportConflictException(
                $"The target already holds {what}, which the file does not. Import moves a store into an empty one, or runs again with " +
                "the same or a later export of the same source; setting the counters to the file's would lose what the target counted. Nothing was imported.");
        }
    }

    private static async Task<TransferFile> ReadAndCheckAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<TransferLine>();
        int? version = null;
        var conversations = new HashSet<string>(StringComparer.Ordinal);
        var messages = new HashSet<string>(StringComparer.Ordinal);
        var escalations = new HashSet<string>(StringComparer.Ordinal);
        var usage = new List<DailyUsage>();
        var usageKeys = new HashSet<DailyUsageKey>();
        var citations = new List<CitationUsage>();
        var citationKeys = new HashSet<(DailyUsageKey, string)>();
        var markers = new HashSet<ActiveUserKey>();
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            TransferLine? line;
            try
            {
                line = JsonSerializer.Deserialize<TransferLine>(text, JsonOptions);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                // NotSupportedException is what the serializer throws for a line with no "type".
                throw new InvalidDataException(
                    version is null ? $"Line {number}: not a {Format} export (its first line is the header): {ex.Message}" : $"Line {number}: {ex.Message}",
                    ex);
            }

            if (version is null)
            {
                version = line is HeaderLine { Format: Format, Version: >= 1 and <= Version } header
                    ? header.Version
                    : throw new InvalidDataException($"Line {number}: not a {Format} export of version 1 to {Version} (its first line is the header).");
                continue;
            }

            string? problem = line switch
            {
                null or HeaderLine => "expected a user, conversation, message, feedback, escalation, usage, citation or active-user record.",
                EscalationLine or UsageLine or CitationLine or ActiveUserLine when version < 2 => $"a version {version} export has no {TypeName(line)} records.",
                MessageLine m when !conversations.Contains(m.Message.ConversationId) =>
                    $"message '{m.Message.Id}' comes before its conversation '{m.Message.ConversationId}'.",
                FeedbackLine f when !messages.Contains(f.Feedback.MessageId) =>
                    $"feedback on message '{f.Feedback.MessageId}', which is not in the file before it.",
                EscalationLine e when string.IsNullOrWhiteSpace(e.Escalation.Id) || e.Escalation.Version < 1 =>
                    "an escalation needs an id and a version of 1 or more.",
                EscalationLine e when !escalations.Add(e.Escalation.Id) => $"escalation '{e.Escalation.Id}' is in the file twice.",
                UsageLine u => u.Problem(),
                CitationLine c => c.Problem(),
                ActiveUserLine a => a.Problem(),
                _ => null,
            };
            if (problem is null)
            {
                switch (line)
                {
                    case ConversationLine c:
                        conversations.Add(c.Conversation.Id);
                        break;
                    case MessageLine m:
                        messages.Add(m.Message.Id);
                        break;
                    case UsageLine u:
                        var row = u.ToRow();
                        problem = usageKeys.Add(row.Key) ? null : "this usage row is in the file twice.";
                        usage.Add(row);
                        break;
                    case CitationLine c:
                        var citation = c.ToCitation();
                        problem = citationKeys.Add((citation.Key, citation.DocumentId)) ? null : "this citation count is in the file twice.";
                        citations.Add(citation);
                        break;
                    case ActiveUserLine a:
                        markers.Add(a.ToMarker());
                        break;
                }
            }

            if (problem is not null)
            {
                throw new InvalidDataException($"Line {number}: {problem}");
            }

            lines.Add(line!);
        }

        return version is { } v
            ? new TransferFile(v, lines, new UsageSnapshot(usage, citations, [.. markers]))
            : throw new InvalidDataException("The file is empty; an export starts with its header line.");
    }

    private static string TypeName(TransferLine? line) => line switch
    {
        EscalationLine => "escalation",
        UsageLine => "usage",
        CitationLine => "citation",
        ActiveUserLine => "active-user",
        _ => "such",
    };

    private static async Task WriteAsync(TextWriter writer, TransferLine line, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync(JsonSerializer.Serialize(line, JsonOptions).AsMemory(), cancellationToken);
    }

    private sealed record TransferFile(int Version, IReadOnlyList<TransferLine> Lines, UsageSnapshot Aggregates)
    {
        public bool HasAggregates => Version >= 2;
    }
}

/// <summary>The target holds something the file does not (or a newer copy of it): importing would lose it, so nothing was written.</summary>
public sealed class ImportConflictException(string message) : InvalidOperationException(message);

public sealed record TransferCounts
{
    public int Users { get; init; }
    public int Conversations { get; init; }
    public int Messages { get; init; }
    public int Feedback { get; init; }
    public int Escalations { get; init; }
    public int UsageRows { get; init; }
    public int CitationCounts { get; init; }
    public int ActiveUsers { get; init; }

    public override string ToString() =>
        $"{Users} users, {Conversations} conversations, {Messages} messages, {Feedback} feedback, {Escalations} escalations, " +
        $"{UsageRows} usage rows, {CitationCounts} citation counts, {ActiveUsers} active-user markers";
}

/// <summary>One line of an export; "type" says which.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderLine), "header")]
[JsonDerivedType(typeof(UserLine), "user")]
[JsonDerivedType(typeof(ConversationLine), "conversation")]
[JsonDerivedType(typeof(MessageLine), "message")]
[JsonDerivedType(typeof(FeedbackLine), "feedback")]
[JsonDerivedType(typeof(EscalationLine), "escalation")]
[JsonDerivedType(typeof(UsageLine), "usage")]
[JsonDerivedType(typeof(CitationLine), "citation")]
[JsonDerivedType(typeof(ActiveUserLine), "active-user")]
internal abstract record TransferLine;

internal sealed record HeaderLine(string Format, int Version) : TransferLine;

internal sealed record UserLine(UserProfile User) : TransferLine;

internal sealed record ConversationLine(Conversation Conversation) : TransferLine;

internal sealed record MessageLine(StoredMessage Message) : TransferLine;

internal sealed record FeedbackLine(MessageFeedback Feedback) : TransferLine;

/// <summary>The escalation as the store keeps it: status, assignee, notes, resolution and version.</summary>
internal sealed record EscalationLine(Escalation Escalation) : TransferLine;

/// <summary>
/// One hourly usage row: the counters that are not zero, by name (camel case of <see cref="UsageCounters.ScalarNames"/>),
/// and the two histograms when not empty.
/// </summary>
internal sealed record UsageLine(
    DateOnly Day, int Hour, string Role, string Language, IReadOnlyDictionary<string, long> Counters,
    IReadOnlyList<long>? Latency = null, IReadOnlyList<long>? TimeToFirstToken = null) : TransferLine
{
    private static readonly string[] Names = [.. UsageCounters.ScalarNames.Select(JsonNamingPolicy.CamelCase.ConvertName)];

    public static UsageLine From(DailyUsage row)
    {
        var scalars = row.Counters.Scalars();
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < Names.Length; i++)
        {
            if (scalars[i] != 0)
            {
                counters[Names[i]] = scalars[i];
            }
        }

        return new UsageLine(
            row.Day, row.Hour, row.Role, row.Language, counters,
            row.Latency.IsZero ? null : row.Latency.Counts, row.TimeToFirstToken.IsZero ? null : row.TimeToFirstToken.Counts);
    }

    public string? Problem() =>
        KeyProblem(Hour, Role, Language)
        ?? (Counters.Keys.FirstOrDefault(k => !Names.Contains(k, StringComparer.Ordinal)) is { } unknown
            ? $"unknown usage counter '{unknown}' (known: {string.Join(", ", Names)})."
            : null)
        ?? (Latency is { } l && l.Count != UsageHistogram.BucketCount ? $"latency has {l.Count} buckets, not {UsageHistogram.BucketCount}." : null)
        ?? (TimeToFirstToken is { } t && t.Count != UsageHistogram.BucketCount ? $"timeToFirstToken has {t.Count} buckets, not {UsageHistogram.BucketCount}." : null);

    public DailyUsage ToRow() => UsageCounters.FromScalars(
            [.. Names.Select(n => Counters.GetValueOrDefault(n))],
            Latency is null ? default : new UsageHistogram(Latency),
            TimeToFirstToken is null ? default : new UsageHistogram(TimeToFirstToken))
        .ToRow(new DailyUsageKey(Day, Hour, Role, Language));

    internal static string? KeyProblem(int hour, string role, string language) =>
        hour is < 0 or > 23 ? $"hour {hour} is not 0 to 23."
        : string.IsNullOrWhiteSpace(role) || string.IsNullOrWhiteSpace(language) ? "role and language must not be empty."
        : null;
}

/// <summary>How many answers of one hour, role and language cited a document.</summary>
internal sealed record CitationLine(DateOnly Day, int Hour, string Role, string Language, string DocumentId, long Answers) : TransferLine
{
    public static CitationLine From(CitationUsage c) => new(c.Key.Day, c.Key.Hour, c.Key.Role, c.Key.Language, c.DocumentId, c.Answers);

    public string? Problem() =>
        UsageLine.KeyProblem(Hour, Role, Language) ?? (string.IsNullOrWhiteSpace(DocumentId) ? "documentId must not be empty." : null);

    public CitationUsage ToCitation() => new(new DailyUsageKey(Day, Hour, Role, Language), DocumentId, Answers);
}

/// <summary>A person who asked in one hour, role and language.</summary>
internal sealed record ActiveUserLine(DateOnly Day, int Hour, string Role, string Language, string UserId) : TransferLine
{
    public static ActiveUserLine From(ActiveUserKey a) => new(a.Usage.Day, a.Usage.Hour, a.Usage.Role, a.Usage.Language, a.UserId);

    public string? Problem() =>
        UsageLine.KeyProblem(Hour, Role, Language) ?? (string.IsNullOrWhiteSpace(UserId) ? "userId must not be empty." : null);

    public ActiveUserKey ToMarker() => new(new DailyUsageKey(Day, Hour, Role, Language), UserId);
}
