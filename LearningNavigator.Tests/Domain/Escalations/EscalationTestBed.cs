using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Escalations;
using LearningNavigator.Escalations.Sqlite;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Escalations;

/// <summary>The real SQLite stores in a folder of the test's own, a service over them and a few conversations.</summary>
public sealed class EscalationTestBed : IDisposable
{
    public static readonly EscalationActor Instructor = new("user-ana", "Ana", AppRoles.Instructor);
    public static readonly EscalationActor OtherInstructor = new("user-ben", "Ben", AppRoles.Instructor);
    public static readonly EscalationActor Staff = new("user-sam", "Sam", AppRoles.Staff);
    public static readonly EscalationActor Admin = new("user-admin", "Ada Admin", AppRoles.Admin);

    private readonly TempDirectory data = new("ln-esc-svc");
    private readonly SqliteConversationStore conversations;
    private readonly SqliteEscalationStore escalations;
    private readonly LearningNavigator.Observability.NavigatorMetrics metrics = new(null);

    public EscalationTestBed(IEnumerable<IEscalationNotifier>? notifiers = null, ILogger<EscalationService>? logger = null)
    {
        var sqlite = Options.Create(new SqliteStorageOptions { DatabasePath = data.Combine("navigator.db") });
        conversations = new SqliteConversationStore(sqlite);
        escalations = new SqliteEscalationStore(sqlite);
        Service = new EscalationService(escalations, conversations, notifiers ?? [], TimeProvider.System, metrics, logger ?? NullLogger<EscalationService>.Instance);
    }

    public EscalationService Service { get; }

    public IEscalationStore Store => escalations;

    public IConversationStore Conversations => conversations;

    public static CancellationToken Ct => CancellationToken.None;

    /// <summary>A question and its answer in a new conversation of <paramref name="owner"/>; returns the answer's id.</summary>
    public async Task<string> AnswerAsync(EscalationActor owner, bool lowConfidence = false, string language = "en", string question = "Can I teach the adult course online?")
    {
        var conversationId = $"conv-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow;
        await conversations.CreateConversationAsync(new Conversation { Id = conversationId, UserId = owner.Id, Title = "Q", CreatedAt = at, UpdatedAt = at }, Ct);
        await conversations.SaveMessageAsync(new StoredMessage
        {
            Id = $"q-{Guid.NewGuid():N}", ConversationId = conversationId, Author = MessageAuthor.User, Text = question, CreatedAt = at, Role = owner.Role, Language = language,
        }, Ct);
        var answerId = $"a-{Guid.NewGuid():N}";
        await conversations.SaveMessageAsync(new StoredMessage
        {
            Id = answerId, ConversationId = conversationId, Author = MessageAuthor.Assistant, CreatedAt = at.AddSeconds(1), Role = owner.Role, Language = language,
            Text = lowConfidence ? "I could not find this in the documents." : "Courses run in person [1].",
            LowConfidence = lowConfidence,
            Citations = lowConfidence ? [] : [new Citation { Number = 1, ChunkId = "c1", DocumentId = "course-formats", Title = "Course formats", PassageText = "Courses run in person." }],
        }, Ct);
        return answerId;
    }

    public Task<Escalation> RaiseAsync(EscalationActor actor, string messageId, string email = "ana@example.org", string? note = null) =>
        Service.RaiseAsync(actor, new EscalationRequest { MessageId = messageId, ContactEmail = email, Note = note }, Ct);

    public void Dispose()
    {
        conversations.Dispose();
        escalations.Dispose();
        metrics.Dispose();
        SqliteConnection.ClearAllPools();
        data.Dispose();
    }
}
