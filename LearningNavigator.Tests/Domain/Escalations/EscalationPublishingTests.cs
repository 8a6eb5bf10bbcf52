using LearningNavigator.Chat;
using LearningNavigator.Documents;
using LearningNavigator.Documents.Local;
using LearningNavigator.Escalations;
using LearningNavigator.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static LearningNavigator.Tests.Domain.Escalations.EscalationTestBed;

namespace LearningNavigator.Tests.Domain.Escalations;

/// <summary>The whole domain as the app wires it (sample library, local index, offline answerer, SQLite).</summary>
public sealed class EscalationPublishingTests : IAsyncLifetime, IDisposable
{
    private const string Question = "Where do instructors park at the Harbourview training centre?";
    private const string Resolution = "Instructors park free in the Harbourview north lot; show the instructor badge at the gate.";

    private readonly TempDirectory data = new("ln-esc-publish");
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Library:Path"] = Path.Combine(AppContext.BaseDirectory, "SampleLibrary"),
            ["Retrieval:Local:Mode"] = "Bm25",
            ["Generation:Extractive:WordDelay"] = "00:00:00",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        collection.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        collection.AddLearningNavigator(configuration, data.Path);
        services = collection.BuildServiceProvider();
        await services.GetRequiredService<LibraryStartup>().StartAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        // The index commits when its service is disposed: the services go before their folder (in Dispose).
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task A_published_answer_is_a_library_document_the_assistant_cites_for_the_same_question()
    {
        var before = await AskAsync(Instructor);
        Assert.DoesNotContain("north lot", before.Text, StringComparison.Ordinal);

        var escalations = services.GetRequiredService<EscalationService>();
        var escalation = await escalations.RaiseAsync(Instructor, new EscalationRequest { MessageId = before.Id, ContactEmail = "ana@example.org" }, Ct);
        await escalations.ResolveAsync(Admin, escalation.Id, Resolution, Ct);

        var publisher = services.GetRequiredService<EscalationPublisher>();
        await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => publisher.PublishAsync(Instructor, escalation.Id, [AppRoles.Instructor], Ct));
        var document = await publisher.PublishAsync(Admin, escalation.Id, [AppRoles.Instructor], Ct);
        await services.GetRequiredService<LocalDocumentLibrary>().ProcessPendingAsync(Ct);

        var ready = await services.GetRequiredService<IDocumentLibrary>().GetAsync(document.Id, Ct);
        Assert.Equal((DocumentStatus.Ready, "en"), (ready!.Status, ready.Language));
        Assert.Equal([AppRoles.Instructor, AppRoles.Admin], ready.Roles);
        Assert.Equal(document.Id, (await services.GetRequiredService<IEscalationStore>().GetAsync(escalation.Id, Ct))!.PublishedDocumentId);

        var after = await AskAsync(Instructor);
        Assert.Contains(after.Citations, c => c.DocumentId == document.Id);
        Assert.Contains("north lot", after.Text, StringComparison.Ordinal);

        // Visible to the roles the admin chose only: staff do not get it.
        Assert.DoesNotContain((await AskAsync(Staff)).Citations, c => c.DocumentId == document.Id);
    }

    [Fact]
    public async Task Only_a_resolved_escalation_can_be_published_and_roles_are_checked_first()
    {
        var answer = await AskAsync(Instructor);
        var escalations = services.GetRequiredService<EscalationService>();
        var escalation = await escalations.RaiseAsync(Instructor, new EscalationRequest { MessageId = answer.Id, ContactEmail = "ana@example.org" }, Ct);
        var publisher = services.GetRequiredService<EscalationPublisher>();
        var documentsBefore = (await services.GetRequiredService<IDocumentLibrary>().ListAsync(Ct)).Count;

        await Assert.ThrowsAsync<EscalationTransitionException>(() => publisher.PublishAsync(Admin, escalation.Id, [AppRoles.Instructor], Ct));
        var noRoles = await Assert.ThrowsAsync<EscalationInputException>(() => publisher.PublishAsync(Admin, escalation.Id, [], Ct));
        Assert.Equal("Roles", noRoles.ParamName);
        var unknown = await Assert.ThrowsAsync<EscalationInputException>(() => publisher.PublishAsync(Admin, escalation.Id, ["visitor"], Ct));
        Assert.Contains("'visitor'", unknown.Message, StringComparison.Ordinal);

        Assert.Equal(documentsBefore, (await services.GetRequiredService<IDocumentLibrary>().ListAsync(Ct)).Count);
    }

    private async Task<LearningNavigator.Conversations.StoredMessage> AskAsync(EscalationActor asker)
    {
        LearningNavigator.Conversations.StoredMessage? answer = null;
        await foreach (var update in services.GetRequiredService<AnswerPipeline>().AskAsync(
            new AskRequest { UserId = asker.Id, Role = asker.Role, ConversationId = $"conv-{Guid.NewGuid():N}", Text = Question, Language = "en" }, Ct))
        {
            if (update is AnswerCompleted completed)
            {
                answer = completed.AssistantMessage;
            }
        }

        return answer ?? throw new InvalidOperationException("The pipeline finished without an answer.");
    }
}
