using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Transfer;
using LearningNavigator.Escalations;

namespace LearningNavigator.Tests.TestSupport;

/// <summary>
/// Data that exercises every part of an export: two users, conversations with messages written in the same
/// instant, ratings, an escalation taken through the queue with notes, and a conversation deleted after it was
/// counted and escalated, whose usage, citation and active-user counts outlive it.
/// </summary>
public static class TransferSample
{
    public static readonly DateTimeOffset T0 = new(2025, 9, 1, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => CancellationToken.None;

    public static async Task FillAsync(TransferStores stores)
    {
        var store = stores.Conversations;
        var ana = new UserProfile { Id = "user-ana", Email = "ana@example.org", DisplayName = "Ana", Role = AppRoles.Instructor, PreferredLanguage = "es" };
        var ben = new UserProfile { Id = "user-ben", Email = "ben@example.org", DisplayName = "Ben", Role = AppRoles.Staff };
        await store.UpsertUserAsync(ana, Ct);
        await store.UpsertUserAsync(ben, Ct);
        var first = new Conversation { Id = "conv-1", UserId = ana.Id, Title = "Facturas", CreatedAt = T0, UpdatedAt = T0 };
        var second = new Conversation { Id = "conv-2", UserId = ben.Id, Title = "Refunds", CreatedAt = T0.AddDays(1), UpdatedAt = T0.AddDays(1) };
        var deleted = new Conversation { Id = "conv-3", UserId = ana.Id, Title = "Reembolsos", CreatedAt = T0.AddDays(2), UpdatedAt = T0.AddDays(2) };
        foreach (var conversation in new[] { first, second, deleted })
        {
            await store.CreateConversationAsync(conversation, Ct);
        }

        // Same instant, ids against write order: only the stored order can keep them right.
        await store.SaveMessageAsync(new StoredMessage { Id = "m-9", ConversationId = first.Id, Author = MessageAuthor.User, Text = "¿Cuándo vence la factura?", CreatedAt = T0.AddSeconds(1), Language = "es", Role = AppRoles.Instructor }, Ct);
        await store.SaveMessageAsync(new StoredMessage
        {
            Id = "m-1",
            ConversationId = first.Id,
            Author = MessageAuthor.Assistant,
            Text = "En 30 días [1].",
            CreatedAt = T0.AddSeconds(1),
            Language = "es",
            Role = AppRoles.Instructor,
            Citations = [new Citation { Number = 1, ChunkId = "c1", DocumentId = "invoicing", Title = "Facturación", Location = "p. 2", PassageText = "Pague en 30 días.", Quote = "30 días", StartOffset = 5, EndOffset = 12 }],
            Model = "extractive-v1",
            InputTokens = 120,
            OutputTokens = 9,
            CacheReadTokens = 64,
            CacheWriteTokens = 0,
            EstimatedCostUsd = 0.0123m,
            LatencyMs = 340,
            TimeToFirstTokenMs = 45,
            Safety = SafetyFlags.OutOfScope,
        }, Ct);
        await store.SaveMessageAsync(new StoredMessage { Id = "m-5", ConversationId = second.Id, Author = MessageAuthor.User, Text = "Refund?", CreatedAt = T0.AddDays(1), Role = AppRoles.Staff }, Ct);
        await store.SaveMessageAsync(new StoredMessage { Id = "m-6", ConversationId = second.Id, Author = MessageAuthor.Assistant, Text = "I don't know.", CreatedAt = T0.AddDays(1).AddSeconds(2), Role = AppRoles.Staff, LowConfidence = true, Interrupted = true }, Ct);
        await store.SaveFeedbackAsync(new MessageFeedback { MessageId = "m-1", UserId = ana.Id, Rating = FeedbackRating.Up, Comment = "¡Claro!", CreatedAt = T0.AddMinutes(1) }, Ct);
        await store.SaveFeedbackAsync(new MessageFeedback { MessageId = "m-6", UserId = ben.Id, Rating = FeedbackRating.Down, CreatedAt = T0.AddDays(1).AddMinutes(1) }, Ct);

        await store.SaveMessageAsync(new StoredMessage { Id = "m-7", ConversationId = deleted.Id, Author = MessageAuthor.User, Text = "¿Reembolsos?", CreatedAt = T0.AddDays(2), Language = "es", Role = AppRoles.Instructor }, Ct);
        var deletedAnswer = new StoredMessage
        {
            Id = "m-8", ConversationId = deleted.Id, Author = MessageAuthor.Assistant, Text = "Vea la política [1].", CreatedAt = T0.AddDays(2).AddSeconds(3),
            Language = "es", Role = AppRoles.Instructor, LatencyMs = 2500, TimeToFirstTokenMs = 300,
            Citations = [new Citation { Number = 1, ChunkId = "r1", DocumentId = "refunds", Title = "Reembolsos", PassageText = "Política de reembolsos." }],
        };
        await store.SaveMessageAsync(deletedAnswer, Ct);
        await store.SaveFeedbackAsync(new MessageFeedback { MessageId = "m-8", UserId = ana.Id, Rating = FeedbackRating.Down, CreatedAt = T0.AddDays(2).AddMinutes(1) }, Ct);

        var escalations = stores.Escalations;
        var refund = NewEscalation(ben, "conv-2", "m-6", "Refund?", "I don't know.", T0.AddDays(1).AddMinutes(2));
        await escalations.CreateAsync(refund, Ct);
        var picked = refund with
        {
            Status = EscalationStatus.InProgress, AssigneeId = "admin-1", AssigneeName = "Admin", UpdatedAt = T0.AddDays(1).AddHours(1), Version = 2,
            Notes = [new EscalationNote { AuthorId = "admin-1", AuthorName = "Admin", Text = "Asking finance.", CreatedAt = T0.AddDays(1).AddHours(1) }],
        };
        await escalations.UpdateAsync(picked, Ct);
        await escalations.UpdateAsync(picked with
        {
            Status = EscalationStatus.Resolved, ResolutionAnswer = "Refunds take 14 days.", ResolvedBy = "admin-1", ResolvedAt = T0.AddDays(1).AddHours(2),
            UpdatedAt = T0.AddDays(1).AddHours(2), PublishedDocumentId = "qa-refunds", Version = 3,
        }, Ct);
        await escalations.CreateAsync(NewEscalation(ana, "conv-3", "m-8", "¿Reembolsos?", deletedAnswer.Text, T0.AddDays(2).AddMinutes(2)) with
        {
            Language = "es", Reason = EscalationReason.UserRequest, Citations = deletedAnswer.Citations,
        }, Ct);

        // Deleted after it was counted and escalated: the counts and the escalation stay.
        Assert.True(await store.DeleteConversationAsync(ana.Id, deleted.Id, Ct));
    }

    public static Escalation NewEscalation(UserProfile asker, string conversationId, string messageId, string question, string answer, DateTimeOffset at) => new()
    {
        Id = Escalation.IdFor(messageId),
        UserId = asker.Id,
        ConversationId = conversationId,
        MessageId = messageId,
        Question = question,
        Answer = answer,
        ContactEmail = asker.Email,
        Note = "Please call back.",
        Role = asker.Role,
        Language = "en",
        Reason = EscalationReason.LowConfidence,
        CreatedAt = at,
        UpdatedAt = at,
    };

    public static async Task<string> ExportAsync(TransferStores stores)
    {
        await using var writer = new StringWriter();
        await ConversationTransfer.ExportAsync(stores, writer, Ct);
        return writer.ToString();
    }

    /// <summary>Scan order differs between stores; the content of the lines must not.</summary>
    public static List<string> SortedLines(string export) =>
        [.. export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    /// <summary>
    /// What the export does not carry but must come out the same: the day rollups and day markers the importing store
    /// derives, the escalation queue and its open count, and each conversation's history in order.
    /// </summary>
    public static async Task<List<string>> DerivedAsync(TransferStores stores)
    {
        var (from, to) = (DateOnly.FromDateTime(T0.UtcDateTime).AddDays(-1), DateOnly.FromDateTime(T0.UtcDateTime).AddDays(4));
        var lines = new List<string>();
        lines.AddRange((await stores.Usage.GetDayTotalsAsync(from, to, Ct)).Where(r => !r.Counters.IsZero)
            .Select(r => $"day {r.Day:yyyy-MM-dd} {r.Role} {r.Language} {string.Join(',', r.Counters.Scalars())} {string.Join(',', r.Latency.Counts)} {string.Join(',', r.TimeToFirstToken.Counts)}"));
        lines.AddRange((await stores.Usage.GetDayCitationsAsync(from, to, Ct)).Select(c => $"day-citations {c.Key.Day:yyyy-MM-dd} {c.Key.Role} {c.Key.Language} {c.DocumentId} {c.Answers}").Order(StringComparer.Ordinal));
        lines.AddRange((await stores.Usage.GetActiveDaysAsync(T0.Year, Ct)).Select(a => $"active-days {a.Role} {a.Language} {a.UserId} {string.Join(',', a.DaysOfYear.Order())}").Order(StringComparer.Ordinal));
        lines.Add($"open {await stores.Escalations.CountOpenAsync(null, null, Ct)}");
        lines.AddRange((await stores.Escalations.ListAsync(new EscalationQuery(), Ct)).Select(e => $"queue {e.Id} {e.Status} v{e.Version}"));
        foreach (var conversation in new[] { "conv-1", "conv-2" })
        {
            lines.Add($"history {conversation} {string.Join(',', (await stores.Conversations.GetMessagesAsync(conversation, Ct)).Select(m => m.Id))}");
        }

        return lines;
    }
}
