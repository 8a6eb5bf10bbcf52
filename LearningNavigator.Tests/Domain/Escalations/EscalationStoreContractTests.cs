using LearningNavigator.Conversations;
using LearningNavigator.Escalations;

namespace LearningNavigator.Tests.Domain.Escalations;

/// <summary>
/// What every <see cref="IEscalationStore"/> must do. Ids and roles are unique per test where counts are read, so a
/// backend may share one table or file across tests.
/// </summary>
public abstract class EscalationStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 3, 9, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => CancellationToken.None;

    protected IEscalationStore Store { get; private set; } = null!;

    protected abstract Task<IEscalationStore> CreateStoreAsync();

    protected virtual Task DeleteStorageAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        await DeleteStorageAsync();
    }

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    internal static Escalation NewEscalation(string? userId = null, string role = AppRoles.Instructor, string language = "en", DateTimeOffset? at = null) => new()
    {
        Id = Escalation.IdFor(NewId("msg")),
        UserId = userId ?? NewId("user"),
        ConversationId = NewId("conv"),
        MessageId = NewId("msg"),
        Question = "Can I teach the adult course online?",
        Answer = "I could not find this in the documents.",
        Citations = [new Citation { Number = 1, ChunkId = "c1", DocumentId = "d1", Title = "Course formats", PassageText = "Courses run in person.", Quote = "in person" }],
        ContactEmail = "ana@example.org",
        Note = "A client is asking.",
        Role = role,
        Language = language,
        Reason = EscalationReason.LowConfidence,
        CreatedAt = at ?? T0,
        UpdatedAt = at ?? T0,
    };

    [Fact]
    public async Task Created_escalation_reads_back_whole_and_creating_it_again_changes_nothing()
    {
        var escalation = NewEscalation();

        Assert.True(await Store.CreateAsync(escalation, Ct));
        Assert.False(await Store.CreateAsync(escalation with { Note = "second try" }, Ct));

        var stored = await Store.GetAsync(escalation.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal("A client is asking.", stored.Note);
        Assert.Equal(escalation.Question, stored.Question);
        Assert.Equal(EscalationStatus.New, stored.Status);
        Assert.Equal(EscalationReason.LowConfidence, stored.Reason);
        Assert.Equal(escalation.CreatedAt, stored.CreatedAt);
        var citation = Assert.Single(stored.Citations);
        Assert.Equal("in person", citation.Quote);
        Assert.Null(await Store.GetAsync(NewId("esc"), Ct));
    }

    [Fact]
    public async Task Update_needs_the_next_version_and_a_stale_update_changes_nothing()
    {
        var escalation = NewEscalation();
        await Store.CreateAsync(escalation, Ct);
        var note = new EscalationNote { AuthorId = "admin-1", AuthorName = "Admin", Text = "Checking with the course team.", CreatedAt = T0.AddHours(1) };

        Assert.True(await Store.UpdateAsync(escalation with { Status = EscalationStatus.InProgress, AssigneeId = "admin-1", Notes = [note], Version = 2 }, Ct));
        Assert.False(await Store.UpdateAsync(escalation with { Status = EscalationStatus.Resolved, Version = 2 }, Ct));
        Assert.False(await Store.UpdateAsync(escalation with { Version = 5 }, Ct));
        Assert.False(await Store.UpdateAsync(NewEscalation() with { Version = 2 }, Ct));

        var stored = await Store.GetAsync(escalation.Id, Ct);
        Assert.Equal(EscalationStatus.InProgress, stored!.Status);
        Assert.Equal(2, stored.Version);
        Assert.Equal("Checking with the course team.", Assert.Single(stored.Notes).Text);
    }

    [Fact]
    public async Task The_queue_filters_by_status_and_assignee_newest_first()
    {
        var assignee = NewId("admin");
        var older = NewEscalation(at: T0.AddDays(300));
        var newer = NewEscalation(at: T0.AddDays(301));
        var other = NewEscalation(at: T0.AddDays(302));
        foreach (var e in new[] { older, newer, other })
        {
            await Store.CreateAsync(e, Ct);
        }

        await Store.UpdateAsync(older with { Status = EscalationStatus.InProgress, AssigneeId = assignee, Version = 2 }, Ct);
        await Store.UpdateAsync(newer with { Status = EscalationStatus.InProgress, AssigneeId = assignee, Version = 2 }, Ct);

        var mine = await Store.ListAsync(new EscalationQuery { AssigneeId = assignee }, Ct);
        Assert.Equal([newer.Id, older.Id], mine.Select(e => e.Id));
        var inProgress = await Store.ListAsync(new EscalationQuery { Status = EscalationStatus.InProgress, AssigneeId = assignee }, Ct);
        Assert.Equal(2, inProgress.Count);
        Assert.Empty(await Store.ListAsync(new EscalationQuery { Status = EscalationStatus.New, AssigneeId = assignee }, Ct));
        var fresh = await Store.ListAsync(new EscalationQuery { Status = EscalationStatus.New }, Ct);
        Assert.Contains(fresh, e => e.Id == other.Id);
        Assert.DoesNotContain(fresh, e => e.Id == older.Id);
        var all = await Store.ListAsync(new EscalationQuery(), Ct);
        Assert.True(all.ToList().FindIndex(e => e.Id == other.Id) < all.ToList().FindIndex(e => e.Id == older.Id));
    }

    [Fact]
    public async Task A_user_lists_only_their_own_escalations_newest_first()
    {
        var userId = NewId("user");
        var first = NewEscalation(userId, at: T0);
        var second = NewEscalation(userId, at: T0.AddMinutes(5));
        await Store.CreateAsync(first, Ct);
        await Store.CreateAsync(second, Ct);
        await Store.CreateAsync(NewEscalation(), Ct);

        Assert.Equal([second.Id, first.Id], (await Store.ListForUserAsync(userId, Ct)).Select(e => e.Id));
        Assert.Empty(await Store.ListForUserAsync(NewId("user"), Ct));
    }

    [Fact]
    public async Task The_open_count_follows_creation_and_resolution_by_role_and_language()
    {
        // A role of its own, so other tests sharing the storage do not move these counts.
        var role = NewId("role");
        var english = NewEscalation(role: role, language: "en");
        var spanish = NewEscalation(role: role, language: "es");
        var resolvedLater = NewEscalation(role: role, language: "es");
        foreach (var e in new[] { english, spanish, resolvedLater })
        {
            await Store.CreateAsync(e, Ct);
        }

        await Store.CreateAsync(english, Ct);
        Assert.Equal(3, await Store.CountOpenAsync(role, null, Ct));

        var inProgress = resolvedLater with { Status = EscalationStatus.InProgress, Version = 2 };
        await Store.UpdateAsync(inProgress, Ct);
        Assert.Equal(3, await Store.CountOpenAsync(role, null, Ct));
        await Store.UpdateAsync(inProgress with { Status = EscalationStatus.Resolved, ResolutionAnswer = "Yes.", Version = 3 }, Ct);
        // A stale resolve of the same escalation must not count it out twice.
        await Store.UpdateAsync(inProgress with { Status = EscalationStatus.Resolved, Version = 3 }, Ct);

        Assert.Equal(2, await Store.CountOpenAsync(role, null, Ct));
        Assert.Equal(1, await Store.CountOpenAsync(role, "es", Ct));
        Assert.Equal(1, await Store.CountOpenAsync(role, "en", Ct));
        Assert.Equal(0, await Store.CountOpenAsync(NewId("role"), null, Ct));
        Assert.True(await Store.CountOpenAsync(null, null, Ct) >= 2);
        Assert.True(await Store.CountOpenAsync(null, "es", Ct) >= 1);
    }

    [Fact]
    public async Task Read_all_returns_every_escalation_as_stored_with_its_notes_and_version()
    {
        var open = NewEscalation();
        var resolved = NewEscalation();
        await Store.CreateAsync(open, Ct);
        await Store.CreateAsync(resolved, Ct);
        var note = new EscalationNote { AuthorId = "admin-1", AuthorName = "Admin", Text = "Asked the course team.", CreatedAt = T0.AddHours(1) };
        var final = resolved with
        {
            Status = EscalationStatus.Resolved, Notes = [note], ResolutionAnswer = "Yes, online too.", ResolvedBy = "admin-1",
            ResolvedAt = T0.AddHours(2), UpdatedAt = T0.AddHours(2), Version = 2,
        };
        Assert.True(await Store.UpdateAsync(final, Ct));

        // The storage may be shared with other tests: only these two ids are this test's.
        var all = await Store.ReadAllAsync(Ct).Where(e => e.Id == open.Id || e.Id == resolved.Id).ToDictionaryAsync(e => e.Id, cancellationToken: Ct);

        Assert.Equal(2, all.Count);
        Assert.Equal((EscalationStatus.New, 1L), (all[open.Id].Status, all[open.Id].Version));
        var read = all[resolved.Id];
        Assert.Equal((EscalationStatus.Resolved, 2L, "Yes, online too.", "admin-1"), (read.Status, read.Version, read.ResolutionAnswer, read.ResolvedBy));
        Assert.Equal(note, Assert.Single(read.Notes));
        Assert.Equal(final.ResolvedAt, read.ResolvedAt);
    }
}
