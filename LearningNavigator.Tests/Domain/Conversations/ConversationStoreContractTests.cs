using LearningNavigator.Conversations;

namespace LearningNavigator.Tests.Domain.Conversations;

/// <summary>
/// What every <see cref="IConversationStore"/> must do, whatever it is built on. An implementation's test
/// class derives from this and says how to open a store; every test here then runs against it.
/// Ids are unique per test, so a backend may share one table or file across tests.
/// </summary>
public abstract partial class ConversationStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 4, 10, 15, 30, 123, TimeSpan.Zero);
    private readonly List<IConversationStore> openedStores = [];

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>The store the tests use: the first one opened for this test.</summary>
    protected IConversationStore Store { get; private set; } = null!;

    /// <summary>
    /// Opens a new store instance over this test's storage. Called again within a test, it must open
    /// another instance over the same data (as a restarted app would).
    /// </summary>
    protected abstract Task<IConversationStore> CreateStoreAsync();

    /// <summary>Removes this test's storage; called once, after every opened store is disposed.</summary>
    protected virtual Task DeleteStorageAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await OpenStoreAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in openedStores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        await DeleteStorageAsync();
    }

    protected async Task<IConversationStore> OpenStoreAsync()
    {
        var store = await CreateStoreAsync();
        openedStores.Add(store);
        return store;
    }

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected static Conversation NewConversation(string userId, DateTimeOffset? at = null, string? id = null) => new()
    {
        Id = id ?? NewId("conv"),
        UserId = userId,
        Title = "How do I invoice a course?",
        CreatedAt = at ?? T0,
        UpdatedAt = at ?? T0,
    };

    protected static StoredMessage NewMessage(string conversationId, DateTimeOffset createdAt, string? id = null, string text = "Hello") => new()
    {
        Id = id ?? NewId("msg"),
        ConversationId = conversationId,
        Author = MessageAuthor.User,
        Text = text,
        CreatedAt = createdAt,
    };

    protected async Task<Conversation> CreateConversationAsync(string? userId = null, DateTimeOffset? at = null)
    {
        var conversation = NewConversation(userId ?? NewId("user"), at);
        await Store.CreateConversationAsync(conversation, Ct);
        return conversation;
    }

    [Fact]
    public async Task UpsertUser_then_GetUser_returns_it_and_a_second_upsert_replaces_it()
    {
        var user = new UserProfile
        {
            Id = NewId("user"),
            Email = "ana@example.org",
            DisplayName = "Ana",
            Role = AppRoles.Instructor,
            PreferredLanguage = "es",
        };

        await Store.UpsertUserAsync(user, Ct);
        Assert.Equal(user, await Store.GetUserAsync(user.Id, Ct));

        var changed = user with { DisplayName = "Ana María", Role = AppRoles.Staff, PreferredLanguage = "en" };
        await Store.UpsertUserAsync(changed, Ct);
        Assert.Equal(changed, await Store.GetUserAsync(user.Id, Ct));
    }

    [Fact]
    public async Task Unknown_ids_read_as_null_or_empty()
    {
        Assert.Null(await Store.GetUserAsync(NewId("user"), Ct));
        Assert.Null(await Store.GetConversationAsync(NewId("conv"), Ct));
        Assert.Null(await Store.GetMessageAsync(NewId("msg"), Ct));
        Assert.Null(await Store.GetFeedbackAsync(NewId("msg"), NewId("user"), Ct));
        Assert.Empty(await Store.GetMessagesAsync(NewId("conv"), Ct));
        Assert.Empty(await Store.ListConversationsAsync(NewId("user"), 10, Ct));
    }

    [Fact]
    public async Task CreateConversation_round_trips_with_no_messages()
    {
        var conversation = NewConversation(NewId("user")) with { UpdatedAt = T0.AddMinutes(1) };

        await Store.CreateConversationAsync(conversation, Ct);

        Assert.Equal(conversation with { MessageCount = 0 }, await Store.GetConversationAsync(conversation.Id, Ct));
    }

    [Fact]
    public async Task CreateConversation_with_an_existing_id_leaves_the_stored_one()
    {
        var original = await CreateConversationAsync();
        await Store.SaveMessageAsync(NewMessage(original.Id, T0.AddSeconds(1)), Ct);
        var before = await Store.GetConversationAsync(original.Id, Ct);

        await Store.CreateConversationAsync(original with { Title = "Something else", UpdatedAt = T0.AddDays(1) }, Ct);

        var after = await Store.GetConversationAsync(original.Id, Ct);
        Assert.Equal(before, after);
        Assert.Equal(original.Title, after!.Title);
        Assert.Equal(1, after.MessageCount);
    }

    [Fact]
    public async Task ListConversations_puts_the_most_recently_active_first()
    {
        var userId = NewId("user");
        var oldest = await CreateConversationAsync(userId, T0);
        var middle = await CreateConversationAsync(userId, T0.AddHours(1));
        var newest = await CreateConversationAsync(userId, T0.AddHours(2));

        Assert.Equal([newest.Id, middle.Id, oldest.Id], (await Store.ListConversationsAsync(userId, 10, Ct)).Select(c => c.Id));

        // A new message is activity: the oldest conversation moves to the top.
        await Store.SaveMessageAsync(NewMessage(oldest.Id, T0.AddHours(3)), Ct);

        var listed = await Store.ListConversationsAsync(userId, 10, Ct);
        Assert.Equal([oldest.Id, newest.Id, middle.Id], listed.Select(c => c.Id));
        Assert.Equal(T0.AddHours(3), listed[0].UpdatedAt);
        Assert.Equal(1, listed[0].MessageCount);
    }

    [Fact]
    public async Task ListConversations_returns_at_most_limit_newest_first()
    {
        var userId = NewId("user");
        var created = new List<Conversation>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateConversationAsync(userId, T0.AddMinutes(i)));
        }

        var listed = await Store.ListConversationsAsync(userId, 2, Ct);

        Assert.Equal([created[4].Id, created[3].Id], listed.Select(c => c.Id));
    }

    [Fact]
    public async Task ListConversations_never_returns_another_users_conversations()
    {
        var ana = NewId("user");
        var ben = NewId("user");
        var anas = await CreateConversationAsync(ana, T0);
        var bens = await CreateConversationAsync(ben, T0.AddMinutes(1));

        Assert.Equal([anas.Id], (await Store.ListConversationsAsync(ana, 10, Ct)).Select(c => c.Id));
        Assert.Equal([bens.Id], (await Store.ListConversationsAsync(ben, 10, Ct)).Select(c => c.Id));
    }

    [Fact]
    public async Task A_message_round_trips_with_every_field()
    {
        var conversation = await CreateConversationAsync();
        var message = new StoredMessage
        {
            Id = NewId("msg"),
            ConversationId = conversation.Id,
            Author = MessageAuthor.Assistant,
            Text = "Envíe la factura en 30 días [1]. Ver también [2].",
            // A non-UTC offset: the instant must survive whatever zone the store keeps.
            CreatedAt = new DateTimeOffset(2025, 3, 4, 5, 15, 31, 456, TimeSpan.FromHours(-5)),
            Language = "es",
            Citations =
            [
                new Citation
                {
                    Number = 1,
                    ChunkId = "doc-1#3",
                    DocumentId = "doc-1",
                    Title = "Instructor handbook",
                    Location = "p. 12",
                    PassageText = "Invoices are due within 30 days of the course.",
                    Quote = "within 30 days",
                    StartOffset = 20,
                    EndOffset = 34,
                },
                new Citation
                {
                    Number = 2,
                    ChunkId = "doc-2#0",
                    DocumentId = "doc-2",
                    Title = "Política de facturación",
                    PassageText = "Las facturas \"urgentes\" van primero.",
                },
            ],
            Model = "anthropic.claude-sonnet",
            InputTokens = 1234,
            OutputTokens = 321,
            CacheReadTokens = 1500,
            CacheWriteTokens = 40,
            EstimatedCostUsd = 0.004215m,
            LatencyMs = 2100,
            TimeToFirstTokenMs = 450,
            LowConfidence = true,
            Interrupted = true,
        };

        await Store.SaveMessageAsync(message, Ct);

        AssertSameMessage(message, await Store.GetMessageAsync(message.Id, Ct));
        AssertSameMessage(message, Assert.Single(await Store.GetMessagesAsync(conversation.Id, Ct)));
    }

    [Fact]
    public async Task A_message_with_only_required_fields_round_trips_with_defaults()
    {
        var conversation = await CreateConversationAsync();
        var message = NewMessage(conversation.Id, T0);

        await Store.SaveMessageAsync(message, Ct);

        var stored = await Store.GetMessageAsync(message.Id, Ct);
        AssertSameMessage(message, stored);
        Assert.Null(stored!.Model);
        Assert.Null(stored.InputTokens);
        Assert.Empty(stored.Citations);
        Assert.Equal("en", stored.Language);
    }

    [Fact]
    public async Task Messages_come_back_in_time_order_and_ties_in_the_order_they_were_written()
    {
        var conversation = await CreateConversationAsync();
        // Same millisecond, and ids that sort the opposite way to the writes, so only write order explains the result.
        var sameTime = T0.AddMinutes(5);
        var tied = Enumerable.Range(0, 5)
            .Select(i => NewMessage(conversation.Id, sameTime, id: $"{conversation.Id}-{9 - i}", text: $"tied {i}"))
            .ToList();
        foreach (var message in tied)
        {
            await Store.SaveMessageAsync(message, Ct);
        }

        var earlier = NewMessage(conversation.Id, sameTime.AddMilliseconds(-1), text: "earlier, written last");
        await Store.SaveMessageAsync(earlier, Ct);

        var stored = await Store.GetMessagesAsync(conversation.Id, Ct);

        Assert.Equal([earlier.Id, .. tied.Select(m => m.Id)], stored.Select(m => m.Id));
    }

    [Fact]
    public async Task Saving_the_same_message_twice_keeps_one_message_and_counts_it_once()
    {
        var conversation = await CreateConversationAsync(at: T0);
        var message = NewMessage(conversation.Id, T0.AddSeconds(10));

        await Store.SaveMessageAsync(message, Ct);
        await Store.SaveMessageAsync(message, Ct);

        Assert.Equal([message.Id], (await Store.GetMessagesAsync(conversation.Id, Ct)).Select(m => m.Id));
        var stored = await Store.GetConversationAsync(conversation.Id, Ct);
        Assert.Equal(1, stored!.MessageCount);
        Assert.Equal(T0.AddSeconds(10), stored.UpdatedAt);
    }

    [Fact]
    public async Task Re_saving_a_message_replaces_it_in_place()
    {
        var conversation = await CreateConversationAsync();
        var at = T0.AddSeconds(1);
        var partial = NewMessage(conversation.Id, at, text: "Invoices are due") with
        {
            Author = MessageAuthor.Assistant,
            Interrupted = true,
        };
        await Store.SaveMessageAsync(partial, Ct);
        // Written after the partial answer, in the same millisecond: must stay after it.
        var next = NewMessage(conversation.Id, at, text: "Thanks");
        await Store.SaveMessageAsync(next, Ct);

        var final = partial with
        {
            Text = "Invoices are due within 30 days [1].",
            Interrupted = false,
            OutputTokens = 12,
            Citations = [new Citation { Number = 1, ChunkId = "c", DocumentId = "d", Title = "t", PassageText = "p" }],
        };
        await Store.SaveMessageAsync(final, Ct);

        var stored = await Store.GetMessagesAsync(conversation.Id, Ct);
        Assert.Equal([partial.Id, next.Id], stored.Select(m => m.Id));
        AssertSameMessage(final, stored[0]);
        Assert.Equal(2, (await Store.GetConversationAsync(conversation.Id, Ct))!.MessageCount);
    }

    [Fact]
    public async Task An_older_message_does_not_move_the_conversation_back_in_time()
    {
        var conversation = await CreateConversationAsync(at: T0.AddHours(1));

        await Store.SaveMessageAsync(NewMessage(conversation.Id, T0), Ct);

        var stored = await Store.GetConversationAsync(conversation.Id, Ct);
        Assert.Equal(T0.AddHours(1), stored!.UpdatedAt);
        Assert.Equal(1, stored.MessageCount);
    }

    [Fact]
    public async Task Feedback_is_one_per_message_and_user_and_a_second_save_replaces_it()
    {
        var conversation = await CreateConversationAsync();
        var message = NewMessage(conversation.Id, T0) with { Author = MessageAuthor.Assistant };
        await Store.SaveMessageAsync(message, Ct);
        var userId = NewId("user");
        var otherUserId = NewId("user");

        var first = new MessageFeedback { MessageId = message.Id, UserId = userId, Rating = FeedbackRating.Up, CreatedAt = T0.AddMinutes(1) };
        await Store.SaveFeedbackAsync(first, Ct);
        Assert.Equal(first, await Store.GetFeedbackAsync(message.Id, userId, Ct));

        var second = first with { Rating = FeedbackRating.Down, Comment = "Wrong deadline", CreatedAt = T0.AddMinutes(2) };
        await Store.SaveFeedbackAsync(second, Ct);
        var other = first with { UserId = otherUserId, Comment = "Clear" };
        await Store.SaveFeedbackAsync(other, Ct);

        Assert.Equal(second, await Store.GetFeedbackAsync(message.Id, userId, Ct));
        Assert.Equal(other, await Store.GetFeedbackAsync(message.Id, otherUserId, Ct));
    }

    [Fact]
    public async Task Data_survives_opening_a_new_store_on_the_same_storage()
    {
        var user = new UserProfile { Id = NewId("user"), Email = "a@b.c", DisplayName = "A", Role = AppRoles.Admin };
        await Store.UpsertUserAsync(user, Ct);
        var conversation = await CreateConversationAsync(user.Id);
        var message = NewMessage(conversation.Id, T0.AddSeconds(1)) with
        {
            Citations = [new Citation { Number = 1, ChunkId = "c", DocumentId = "d", Title = "t", PassageText = "p" }],
        };
        await Store.SaveMessageAsync(message, Ct);
        var feedback = new MessageFeedback { MessageId = message.Id, UserId = user.Id, Rating = FeedbackRating.Up, CreatedAt = T0 };
        await Store.SaveFeedbackAsync(feedback, Ct);

        var reopened = await OpenStoreAsync();

        Assert.Equal(user, await reopened.GetUserAsync(user.Id, Ct));
        Assert.Equal(
            conversation with { UpdatedAt = message.CreatedAt, MessageCount = 1 },
            Assert.Single(await reopened.ListConversationsAsync(user.Id, 10, Ct)));
        AssertSameMessage(message, Assert.Single(await reopened.GetMessagesAsync(conversation.Id, Ct)));
        Assert.Equal(feedback, await reopened.GetFeedbackAsync(message.Id, user.Id, Ct));
    }

    [Fact]
    public async Task Concurrent_saves_from_many_tasks_all_land()
    {
        const int writers = 20;
        var conversation = await CreateConversationAsync();
        var messages = Enumerable.Range(0, writers)
            .Select(i => NewMessage(conversation.Id, T0.AddMilliseconds(i), text: $"message {i}"))
            .ToList();

        await Task.WhenAll(messages.Select(m => Task.Run(() => Store.SaveMessageAsync(m, Ct))));

        var stored = await Store.GetMessagesAsync(conversation.Id, Ct);
        Assert.Equal(messages.Select(m => m.Id), stored.Select(m => m.Id));
        var after = await Store.GetConversationAsync(conversation.Id, Ct);
        Assert.Equal(writers, after!.MessageCount);
        Assert.Equal(T0.AddMilliseconds(writers - 1), after.UpdatedAt);
    }

    [Fact]
    public async Task A_user_cannot_read_another_users_conversation_through_the_user_scoped_reads()
    {
        var ana = NewId("user");
        var ben = NewId("user");
        var anas = await CreateConversationAsync(ana, T0);
        await Store.SaveMessageAsync(NewMessage(anas.Id, T0.AddSeconds(1)), Ct);

        Assert.Equal(anas with { UpdatedAt = T0.AddSeconds(1), MessageCount = 1 }, await Store.GetConversationAsync(ana, anas.Id, Ct));
        Assert.Null(await Store.GetConversationAsync(ben, anas.Id, Ct));
        Assert.Single((await Store.GetMessagePageAsync(ana, anas.Id, 10, null, Ct)).Messages);
        var stolen = await Store.GetMessagePageAsync(ben, anas.Id, 10, null, Ct);
        Assert.Empty(stolen.Messages);
        Assert.Null(stolen.ContinuationToken);
        Assert.Empty((await Store.GetMessagePageAsync(ana, NewId("conv"), 10, null, Ct)).Messages);
    }

    [Fact]
    public async Task Paging_returns_each_message_once_in_order_and_the_last_page_says_so()
    {
        var userId = NewId("user");
        var conversation = await CreateConversationAsync(userId);
        var written = new List<StoredMessage>();
        for (var i = 0; i < 23; i++)
        {
            // Every third message shares its instant with the one before: ties must not repeat or drop across pages.
            var at = T0.AddMilliseconds(i - (i % 3 == 2 ? 1 : 0));
            var message = NewMessage(conversation.Id, at, text: $"message {i}");
            written.Add(message);
            await Store.SaveMessageAsync(message, Ct);
        }

        var pages = new List<MessagePage>();
        string? token = null;
        do
        {
            var page = await Store.GetMessagePageAsync(userId, conversation.Id, 5, token, Ct);
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null && pages.Count < 10);

        Assert.Equal([5, 5, 5, 5, 3], pages.Select(p => p.Messages.Count));
        Assert.Equal(
            (await Store.GetMessagesAsync(conversation.Id, Ct)).Select(m => m.Id),
            pages.SelectMany(p => p.Messages).Select(m => m.Id));
        Assert.Equal(written.Count, pages.SelectMany(p => p.Messages).Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_token_from_another_conversation_or_a_mangled_one_is_refused()
    {
        var userId = NewId("user");
        var first = await CreateConversationAsync(userId);
        var second = await CreateConversationAsync(userId);
        foreach (var conversation in new[] { first, second })
        {
            await Store.SaveMessageAsync(NewMessage(conversation.Id, T0), Ct);
            await Store.SaveMessageAsync(NewMessage(conversation.Id, T0.AddSeconds(1)), Ct);
        }

        var token = (await Store.GetMessagePageAsync(userId, first.Id, 1, null, Ct)).ContinuationToken;
        Assert.NotNull(token);

        var wrongConversation = await Assert.ThrowsAsync<ArgumentException>(() => Store.GetMessagePageAsync(userId, second.Id, 1, token, Ct));
        Assert.Contains("continuation token", wrongConversation.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetMessagePageAsync(userId, first.Id, 1, "not a token!", Ct));
    }

    [Fact]
    public async Task Daily_usage_adds_up_to_the_raw_messages_and_feedback()
    {
        // A role of its own keeps this test's rows apart from every other test's in a shared table.
        var role = NewId("role");
        var day1 = new DateTimeOffset(2025, 5, 6, 23, 59, 59, 999, TimeSpan.Zero);
        var day2 = day1.AddMilliseconds(1);
        var asker = NewId("user");
        var rater = NewId("user");
        var conversation = await CreateConversationAsync(asker, day1.AddHours(-1));
        StoredMessage Question(DateTimeOffset at, string language) => NewMessage(conversation.Id, at) with { Role = role, Language = language };
        StoredMessage Answer(DateTimeOffset at, string language, bool low = false) => NewMessage(conversation.Id, at) with
        {
            Role = role,
            Language = language,
            Author = MessageAuthor.Assistant,
            InputTokens = 100,
            OutputTokens = 40,
            LatencyMs = 250,
            LowConfidence = low,
        };

        var messages = new List<StoredMessage>
        {
            Question(day1, "en"), Answer(day1, "en"),
            Question(day1, "es"), Answer(day1, "es", low: true),
            Question(day2, "en"), Answer(day2, "en") with { LatencyMs = null, InputTokens = null },
        };
        foreach (var message in messages)
        {
            await Store.SaveMessageAsync(message, Ct);
        }

        MessageFeedback Rate(StoredMessage message, string userId, FeedbackRating rating) =>
            new() { MessageId = message.Id, UserId = userId, Rating = rating, CreatedAt = day2 };
        await Store.SaveFeedbackAsync(Rate(messages[1], asker, FeedbackRating.Up), Ct);
        await Store.SaveFeedbackAsync(Rate(messages[1], rater, FeedbackRating.Up), Ct);
        await Store.SaveFeedbackAsync(Rate(messages[1], rater, FeedbackRating.Down), Ct);   // replaces rater's Up
        await Store.SaveFeedbackAsync(Rate(messages[3], asker, FeedbackRating.Down), Ct);
        await Store.SaveFeedbackAsync(Rate(messages[3], asker, FeedbackRating.Down), Ct);   // same again: no change
        // A re-save that moves a rated answer to another language: its message and its ratings move rows.
        messages[3] = messages[3] with { Language = "en", OutputTokens = 55 };
        await Store.SaveMessageAsync(messages[3], Ct);
        await Store.SaveMessageAsync(messages[0], Ct);   // an unchanged re-save counts nothing

        var usage = (await Store.GetDailyUsageAsync(DateOnly.FromDateTime(day1.UtcDateTime), DateOnly.FromDateTime(day2.UtcDateTime), Ct))
            .Where(r => r.Role == role && !r.Counters.IsZero)
            .ToList();

        // Recount from the rows as stored now.
        var expected = new UsageDelta();
        var stored = await Store.GetMessagesAsync(conversation.Id, Ct);
        foreach (var message in stored)
        {
            // The first message written starts the conversation (here also the first in time).
            expected.Add(DailyUsageKey.For(message), UsageCounters.Of(message, startsConversation: message == stored[0]));
            foreach (var userId in new[] { asker, rater })
            {
                if (await Store.GetFeedbackAsync(message.Id, userId, Ct) is { } feedback)
                {
                    expected.Add(DailyUsageKey.For(message), UsageCounters.Of(feedback.Rating));
                }
            }
        }

        Assert.Equal(
            expected.Changes.Select(c => c.Value.ToRow(c.Key)).OrderBy(r => r.Day).ThenBy(r => r.Language, StringComparer.Ordinal),
            usage);
        // And by hand for one row, so the counting rule itself is pinned down: the first day in English holds
        // one question, its answer, and the answer that moved in from Spanish with its thumbs down.
        var day1English = Assert.Single(usage, r => r.Day == new DateOnly(2025, 5, 6) && r.Language == "en");
        Assert.Equal(
            new UsageCounters(Questions: 1, Answers: 2, LowConfidenceAnswers: 1, ThumbsUp: 1, ThumbsDown: 2,
                InputTokens: 200, OutputTokens: 95, LatencyMsTotal: 500, LatencySamples: 2, Conversations: 1,
                Latency: new UsageHistogram([0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).ToRow(new(new DateOnly(2025, 5, 6), 23, role, "en")),
            day1English);
        Assert.DoesNotContain(await Store.GetDailyUsageAsync(new DateOnly(2025, 5, 8), new DateOnly(2025, 5, 9), Ct), r => r.Role == role);
    }

    [Fact]
    public async Task Conversations_started_on_a_day_are_listed_oldest_first_and_no_other_day()
    {
        var day = new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero);
        var late = await CreateConversationAsync(NewId("user"), day.AddHours(23).AddMinutes(59));
        var early = await CreateConversationAsync(NewId("user"), day);
        var nextDay = await CreateConversationAsync(NewId("user"), day.AddDays(1));

        var listed = (await Store.ListConversationsStartedOnAsync(DateOnly.FromDateTime(day.UtcDateTime), Ct)).Select(c => c.Id).ToList();

        Assert.True(listed.IndexOf(early.Id) >= 0 && listed.IndexOf(early.Id) < listed.IndexOf(late.Id), string.Join(", ", listed));
        Assert.DoesNotContain(nextDay.Id, listed);
    }

    [Fact]
    public async Task Read_all_returns_every_user_conversation_and_feedback()
    {
        var user = new UserProfile { Id = NewId("user"), Email = "x@y.z", DisplayName = "X", Role = AppRoles.Instructor };
        await Store.UpsertUserAsync(user, Ct);
        var conversation = await CreateConversationAsync(user.Id);
        var message = NewMessage(conversation.Id, T0);
        await Store.SaveMessageAsync(message, Ct);
        var feedback = new MessageFeedback { MessageId = message.Id, UserId = user.Id, Rating = FeedbackRating.Down, Comment = "no", CreatedAt = T0 };
        await Store.SaveFeedbackAsync(feedback, Ct);

        Assert.Contains(user, await Store.ReadAllUsersAsync(Ct).ToListAsync(Ct));
        Assert.Contains(conversation with { UpdatedAt = T0, MessageCount = 1 }, await Store.ReadAllConversationsAsync(Ct).ToListAsync(Ct));
        Assert.Contains(feedback, await Store.ReadAllFeedbackAsync(Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Rename_changes_only_the_title_and_only_for_the_owner()
    {
        var owner = NewId("user");
        var conversation = await CreateConversationAsync(owner);
        await Store.SaveMessageAsync(NewMessage(conversation.Id, T0.AddSeconds(1)), Ct);
        var before = await Store.GetConversationAsync(conversation.Id, Ct);

        Assert.False(await Store.RenameConversationAsync(NewId("user"), conversation.Id, "Stolen", Ct));
        Assert.False(await Store.RenameConversationAsync(owner, NewId("conv"), "Nowhere", Ct));
        Assert.Equal(before, await Store.GetConversationAsync(conversation.Id, Ct));

        Assert.True(await Store.RenameConversationAsync(owner, conversation.Id, "  Facturación de marzo  ", Ct));

        Assert.Equal(before! with { Title = "Facturación de marzo" }, await Store.GetConversationAsync(conversation.Id, Ct));
        Assert.Equal("Facturación de marzo", Assert.Single(await Store.ListConversationsAsync(owner, 10, Ct)).Title);
    }

    [Fact]
    public async Task Rename_to_a_blank_title_is_refused()
    {
        var conversation = await CreateConversationAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.RenameConversationAsync(conversation.UserId, conversation.Id, "   ", Ct));

        Assert.Equal(conversation.Title, (await Store.GetConversationAsync(conversation.Id, Ct))!.Title);
    }

    [Fact]
    public async Task Delete_removes_the_conversation_its_messages_and_feedback_and_only_for_the_owner()
    {
        var owner = NewId("user");
        var doomed = await CreateConversationAsync(owner, T0);
        var kept = await CreateConversationAsync(owner, T0.AddMinutes(1));
        var message = NewMessage(doomed.Id, T0.AddSeconds(1)) with { Author = MessageAuthor.Assistant };
        await Store.SaveMessageAsync(message, Ct);
        await Store.SaveMessageAsync(NewMessage(kept.Id, T0.AddMinutes(2)), Ct);
        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = message.Id, UserId = owner, Rating = FeedbackRating.Up, CreatedAt = T0 }, Ct);

        Assert.False(await Store.DeleteConversationAsync(NewId("user"), doomed.Id, Ct));
        Assert.NotNull(await Store.GetConversationAsync(doomed.Id, Ct));

        Assert.True(await Store.DeleteConversationAsync(owner, doomed.Id, Ct));

        Assert.Null(await Store.GetConversationAsync(doomed.Id, Ct));
        Assert.Empty(await Store.GetMessagesAsync(doomed.Id, Ct));
        Assert.Null(await Store.GetMessageAsync(message.Id, Ct));
        Assert.Null(await Store.GetFeedbackAsync(message.Id, owner, Ct));
        Assert.Equal([kept.Id], (await Store.ListConversationsAsync(owner, 10, Ct)).Select(c => c.Id));
        Assert.Single(await Store.GetMessagesAsync(kept.Id, Ct));
        Assert.False(await Store.DeleteConversationAsync(owner, doomed.Id, Ct));
    }

    /// <summary>Records compare lists by reference, so citations are compared item by item.</summary>
    protected static void AssertSameMessage(StoredMessage expected, StoredMessage? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Citations = [] }, actual with { Citations = [] });
        Assert.Equal(expected.Citations, actual.Citations);
    }
}
