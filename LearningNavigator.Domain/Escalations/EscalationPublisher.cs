using System.Text;
using LearningNavigator.Documents;

namespace LearningNavigator.Escalations;

/// <summary>
/// Turns a resolved escalation into a question-and-answer Markdown document in the library, visible to the roles
/// the admin picks and in the language it was asked in, so the assistant finds and cites it next time. Publishing
/// again replaces the same document.
/// </summary>
public sealed class EscalationPublisher(EscalationService escalations, IEscalationStore store, IDocumentLibrary library)
{
    public const int TitleLength = 90;

    public async Task<LibraryDocument> PublishAsync(EscalationActor actor, string escalationId, IReadOnlyList<string>? roles, CancellationToken cancellationToken)
    {
        EscalationService.RequireAdmin(actor);
        var visibleTo = EscalationInput.Roles(roles);
        var escalation = await store.GetAsync(escalationId, cancellationToken)
            ?? throw new EscalationAccessDeniedException($"There is no escalation '{escalationId}'.");
        if (escalation.Status != EscalationStatus.Resolved || escalation.ResolutionAnswer is null)
        {
            throw new EscalationTransitionException(escalation.Status, escalation.Status, "Only a resolved escalation has an answer to publish.");
        }

        using var content = new MemoryStream(Encoding.UTF8.GetBytes(Markdown(escalation)));
        var document = await library.AddAsync(new DocumentUpload
        {
            FileName = $"qa-{escalation.Id}.md",
            Content = content,
            Roles = visibleTo,
            Title = TitleOf(escalation),
            Language = escalation.Language,
            ReplacesId = escalation.PublishedDocumentId is { } published && await library.GetAsync(published, cancellationToken) is not null ? published : null,
        }, cancellationToken);
        if (document.Status == DocumentStatus.Failed)
        {
            throw new InvalidOperationException($"The library refused the answer document: {document.Error}");
        }

        await escalations.MarkPublishedAsync(escalation.Id, document.Id, cancellationToken);
        return document;
    }

    /// <summary>The question as the heading (what retrieval matches) and the admin's answer as the body.</summary>
    internal static string Markdown(Escalation escalation)
    {
        var spanish = escalation.Language == "es";
        return new StringBuilder()
            .AppendLine($"# {OneLine(escalation.Question)}")
            .AppendLine()
            .AppendLine(escalation.ResolutionAnswer)
            .AppendLine()
            .AppendLine(spanish
                ? "_Respuesta del equipo a una pregunta hecha en Learning Navigator._"
                : "_Answered by the team for a question asked in Learning Navigator._")
            .ToString();
    }

    private static string TitleOf(Escalation escalation)
    {
        var question = OneLine(escalation.Question);
        var prefix = escalation.Language == "es" ? "Pregunta: " : "Q&A: ";
        return prefix + (question.Length <= TitleLength ? question : question[..(TitleLength - 1)] + "…");
    }

    // A heading is one line; a question typed with line breaks must not turn its rest into Markdown blocks.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim().TrimStart('#').Trim();
}
