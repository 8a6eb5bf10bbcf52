using LearningNavigator.Conversations;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Conversations.Transfer;
using LearningNavigator.Escalations;
using LearningNavigator.Escalations.DynamoDb;
using LearningNavigator.Escalations.Sqlite;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using static LearningNavigator.Tests.TestSupport.TransferSample;

namespace LearningNavigator.Tests.Domain.Conversations;

/// <summary>
/// Export from one store, import into the other: the same records, escalations and aggregates (including the
/// counts of a conversation deleted before the export), and the same rollups derived from them.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class ConversationTransferTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private static CancellationToken Ct => CancellationToken.None;

    private readonly TempDirectory directory = new("ln-transfer");
    private readonly List<IDisposable> opened = [];

    private TransferStores NewSqlite()
    {
        var options = Options.Create(new SqliteStorageOptions { DatabasePath = Path.Combine(directory.Path, $"{Guid.NewGuid():N}.db") });
        var store = new SqliteConversationStore(options);
        var escalations = new SqliteEscalationStore(options);
        opened.Add(store);
        opened.Add(escalations);
        return new TransferStores(store, store, escalations);
    }

    private async Task<TransferStores> NewDynamoAsync()
    {
        var table = $"ln-transfer-{Guid.NewGuid():N}";
        await dynamo.CreateTableAsync(table);
        var options = Options.Create(new DynamoDbStorageOptions { TableName = table });
        var store = new DynamoDbConversationStore(dynamo.Client, options, Options.Create(new StorageOptions { Provider = StorageOptions.DynamoDb }));
        return new TransferStores(store, store, new DynamoDbEscalationStore(dynamo.Client, options));
    }

    private static async Task<TransferCounts> ImportAsync(TransferStores stores, string export) =>
        await ConversationTransfer.ImportAsync(stores, new StringReader(export), Ct);

    private static async Task<List<DailyUsage>> UsageAsync(TransferStores stores) =>
        [.. await stores.Usage.GetDailyUsageAsync(DateOnly.FromDateTime(T0.UtcDateTime), DateOnly.FromDateTime(T0.UtcDateTime).AddDays(3), Ct)];

    [Fact]
    public async Task Sqlite_to_DynamoDb_and_back_keeps_every_record_escalation_and_aggregate()
    {
        var sqlite = NewSqlite();
        await FillAsync(sqlite);
        var fromSqlite = await ExportAsync(sqlite);

        var dynamoStores = await NewDynamoAsync();
        var counts = await ImportAsync(dynamoStores, fromSqlite);
        var fromDynamo = await ExportAsync(dynamoStores);
        var backInSqlite = NewSqlite();
        await ImportAsync(backInSqlite, fromDynamo);

        // Day one: instructor/es with a citation; two: staff/en; three: the deleted conversation's instructor/es.
        Assert.Equal(
            new TransferCounts { Users = 2, Conversations = 2, Messages = 4, Feedback = 2, Escalations = 2, UsageRows = 3, CitationCounts = 2, ActiveUsers = 3 },
            counts);
        Assert.Equal(SortedLines(fromSqlite), SortedLines(fromDynamo));
        Assert.Equal(SortedLines(fromSqlite), SortedLines(await ExportAsync(backInSqlite)));
        Assert.Equal(await DerivedAsync(sqlite), await DerivedAsync(dynamoStores));
        Assert.Equal(await DerivedAsync(sqlite), await DerivedAsync(backInSqlite));

        // The deleted conversation's question, answer, rating and citation are still counted on the other side.
        var deletedDay = Assert.Single(await UsageAsync(dynamoStores), r => r.Day == DateOnly.FromDateTime(T0.UtcDateTime).AddDays(2));
        Assert.Equal((1L, 1L, 1L, 1L, 1L, 1L), (deletedDay.Conversations, deletedDay.Questions, deletedDay.Answers, deletedDay.ThumbsDown, deletedDay.Latency[7], deletedDay.TimeToFirstToken[2]));
        Assert.Equal(await UsageAsync(sqlite), await UsageAsync(backInSqlite));
        var resolved = await dynamoStores.Escalations.GetAsync(Escalation.IdFor("m-6"), Ct);
        Assert.Equal((EscalationStatus.Resolved, 3L, "Asking finance.", "qa-refunds"), (resolved!.Status, resolved.Version, Assert.Single(resolved.Notes).Text, resolved.PublishedDocumentId));
        Assert.Equal(1, await dynamoStores.Escalations.CountOpenAsync(AppRoles.Instructor, null, Ct));
        Assert.Equal(0, await dynamoStores.Escalations.CountOpenAsync(AppRoles.Staff, null, Ct));
    }

    [Fact]
    public async Task DynamoDb_to_Sqlite_twice_over_gives_the_same_data_as_once()
    {
        var source = await NewDynamoAsync();
        await FillAsync(source);
        var export = await ExportAsync(source);
        var target = NewSqlite();

        await ImportAsync(target, export);
        var once = (SortedLines(await ExportAsync(target)), await DerivedAsync(target));
        await ImportAsync(target, export);

        Assert.Equal(SortedLines(export), once.Item1);
        Assert.Equal(await DerivedAsync(source), once.Item2);
        Assert.Equal(once.Item1, SortedLines(await ExportAsync(target)));
        Assert.Equal(once.Item2, await DerivedAsync(target));
        Assert.Equal(await UsageAsync(source), await UsageAsync(target));
    }

    [Fact]
    public async Task A_later_export_of_the_same_source_brings_escalations_and_counters_forward()
    {
        var source = NewSqlite();
        await FillAsync(source);
        var target = await NewDynamoAsync();
        await ImportAsync(target, await ExportAsync(source));
        // The source carries on: a new answer, and the open escalation is picked up and resolved.
        await source.Conversations.SaveMessageAsync(new StoredMessage { Id = "m-2", ConversationId = "conv-1", Author = MessageAuthor.User, Text = "¿Y el IVA?", CreatedAt = T0.AddMinutes(5), Role = AppRoles.Instructor, Language = "es" }, Ct);
        var open = (await source.Escalations.GetAsync(Escalation.IdFor("m-8"), Ct))!;
        await source.Escalations.UpdateAsync(open with { Status = EscalationStatus.InProgress, AssigneeId = "admin-1", Version = 2 }, Ct);
        await source.Escalations.UpdateAsync(open with { Status = EscalationStatus.Resolved, ResolutionAnswer = "14 días.", Version = 3 }, Ct);

        var later = await ExportAsync(source);
        await ImportAsync(target, later);

        Assert.Equal(SortedLines(later), SortedLines(await ExportAsync(target)));
        Assert.Equal(await DerivedAsync(source), await DerivedAsync(target));
        Assert.Equal(0, await target.Escalations.CountOpenAsync(null, null, Ct));
    }

    [Fact]
    public async Task Importing_into_a_store_that_holds_anything_else_is_refused_and_writes_nothing()
    {
        var source = NewSqlite();
        await FillAsync(source);
        var export = await ExportAsync(source);
        var target = await NewDynamoAsync();
        await target.Conversations.CreateConversationAsync(new Conversation { Id = "conv-other", UserId = "user-zoe", Title = "Mine", CreatedAt = T0, UpdatedAt = T0 }, Ct);
        await target.Conversations.SaveMessageAsync(new StoredMessage { Id = "m-other", ConversationId = "conv-other", Author = MessageAuthor.User, Text = "Hi", CreatedAt = T0, Role = AppRoles.Staff }, Ct);
        var before = await ExportAsync(target);

        var refused = await Assert.ThrowsAsync<ImportConflictException>(() => ImportAsync(target, export));

        Assert.Contains("conversation 'conv-other'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(SortedLines(before), SortedLines(await ExportAsync(target)));

        // A store that counted an hour the file does not know is refused too: its counters would be lost.
        var counted = NewSqlite();
        await counted.Usage.RestoreUsageAsync(new UsageSnapshot([new UsageCounters(1, 0, 0, 0, 0, 0, 0, 0, 0).ToRow(new(new DateOnly(2024, 1, 1), 3, "staff", "en"))], [], []), Ct);
        var lost = await Assert.ThrowsAsync<ImportConflictException>(() => ImportAsync(counted, export));
        Assert.Contains("usage counted on 2024-01-01 hour 3", lost.Message, StringComparison.Ordinal);
        Assert.Empty(await counted.Conversations.ReadAllUsersAsync(Ct).ToListAsync(Ct));
    }

    [Theory]
    [InlineData("message", "{\"type\":\"message\",\"message\":{\"id\":\"x\"}}", "")]
    [InlineData("usage", "{\"type\":\"usage\",\"day\":\"2025-09-01\",\"hour\":24,\"role\":\"staff\",\"language\":\"en\",\"counters\":{}}", "hour 24 is not 0 to 23.")]
    [InlineData("usage", "{\"type\":\"usage\",\"day\":\"2025-09-01\",\"hour\":8,\"role\":\"staff\",\"language\":\"en\",\"counters\":{\"question\":1}}", "unknown usage counter 'question'")]
    [InlineData("usage", "{\"type\":\"usage\",\"day\":\"2025-09-01\",\"hour\":8,\"role\":\"staff\",\"language\":\"en\",\"counters\":{},\"latency\":[1,2]}", "latency has 2 buckets, not 12.")]
    [InlineData("citation", "{\"type\":\"citation\",\"day\":\"2025-09-01\",\"hour\":8,\"role\":\"staff\",\"language\":\"en\",\"documentId\":\" \",\"answers\":1}", "documentId must not be empty.")]
    [InlineData("active-user", "{\"type\":\"active-user\",\"day\":\"2025-09-01\",\"hour\":8,\"role\":\"staff\",\"language\":\"en\",\"userId\":null}", "")]
    [InlineData("escalation", "{\"type\":\"escalation\",\"escalation\":{\"id\":\"esc-1\"}}", "")]
    public async Task A_bad_line_is_named_and_nothing_is_imported(string type, string bad, string reason)
    {
        var source = NewSqlite();
        await FillAsync(source);
        var lines = (await ExportAsync(source)).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var index = lines.FindIndex(l => l.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal));
        lines[index] = bad;
        var target = NewSqlite();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(target, string.Join('\n', lines)));

        Assert.StartsWith($"Line {index + 1}: {reason}", error.Message, StringComparison.Ordinal);
        Assert.Empty(await target.Conversations.ReadAllUsersAsync(Ct).ToListAsync(Ct));
        Assert.Empty(await target.Escalations.ReadAllAsync(Ct).ToListAsync(Ct));
        Assert.Empty(await target.Usage.ReadAllUsageAsync(Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_repeated_row_or_escalation_and_a_file_that_is_not_an_export_are_named()
    {
        var source = NewSqlite();
        await FillAsync(source);
        var lines = (await ExportAsync(source)).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var target = NewSqlite();
        async Task<string> ErrorAsync(IEnumerable<string> file) =>
            (await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(target, string.Join('\n', file)))).Message;

        var usage = lines.First(l => l.StartsWith("{\"type\":\"usage\"", StringComparison.Ordinal));
        var escalation = lines.First(l => l.StartsWith("{\"type\":\"escalation\"", StringComparison.Ordinal));

        Assert.Equal($"Line {lines.Count + 1}: this usage row is in the file twice.", await ErrorAsync([.. lines, usage]));
        Assert.StartsWith($"Line {lines.Count + 1}: escalation 'esc-", await ErrorAsync([.. lines, escalation]), StringComparison.Ordinal);
        Assert.StartsWith("Line 1: not a learning-navigator-conversations export", await ErrorAsync(["{\"hello\":1}"]), StringComparison.Ordinal);
        Assert.Equal("Line 2: a version 1 export has no usage records.", await ErrorAsync([lines[0].Replace("\"version\":2", "\"version\":1", StringComparison.Ordinal), usage]));
        Assert.Empty(await target.Conversations.ReadAllConversationsAsync(Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_version_1_file_still_imports_and_its_counters_come_from_its_records()
    {
        var source = NewSqlite();
        await FillAsync(source);
        // What version 1 wrote: the header, then users, conversations with their messages, and feedback only.
        var version1 = string.Join('\n', (await ExportAsync(source)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains("\"type\":\"escalation\"", StringComparison.Ordinal) && !l.Contains("\"type\":\"usage\"", StringComparison.Ordinal)
                && !l.Contains("\"type\":\"citation\"", StringComparison.Ordinal) && !l.Contains("\"type\":\"active-user\"", StringComparison.Ordinal))
            .Select(l => l.Replace("\"version\":2", "\"version\":1", StringComparison.Ordinal)));
        var target = await NewDynamoAsync();

        var counts = await ImportAsync(target, version1);
        await ImportAsync(target, version1);

        Assert.Equal(new TransferCounts { Users = 2, Conversations = 2, Messages = 4, Feedback = 2 }, counts);
        var usage = await UsageAsync(target);
        Assert.Equal(2, usage.Count);   // the deleted conversation's day is not in a version 1 file
        Assert.Equal((await UsageAsync(source)).Take(2), usage);
    }

    public void Dispose()
    {
        foreach (var store in opened)
        {
            store.Dispose();
        }

        SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}
