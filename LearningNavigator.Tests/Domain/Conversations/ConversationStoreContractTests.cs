using LearningNavigator.Conversations;

namespace LearningNavigator.Tests.Domain.Conversations;

/// <summary>
/// What every <see cref="IConversationStore"/> must do, whatever it is built on. An implementation's test
/// class derives from this and says how to open a store; every test here then runs against it.
/// Ids are unique per test, so a backend may share one table or file across tests.
/// </summary>
public abstract class ConversationStoreContractTests : IAsyncLifetime
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
