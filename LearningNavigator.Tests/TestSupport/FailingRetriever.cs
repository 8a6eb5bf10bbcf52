using LearningNavigator.Knowledge;

namespace LearningNavigator.Tests.TestSupport;

/// <summary>
/// A knowledge base that fails with <see cref="Failure"/> while it is set, as a broken index or a refusing Knowledge
/// Base would, and otherwise finds one invoicing passage.
/// </summary>
internal sealed class FailingRetriever(Exception? failure = null) : IKnowledgeRetriever
{
    public Exception? Failure { get; set; } = failure;

    public Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken) =>
        Failure is { } failure
            ? Task.FromException<IReadOnlyList<RetrievedPassage>>(failure)
            : Task.FromResult<IReadOnlyList<RetrievedPassage>>(
            [
                new RetrievedPassage
                {
                    ChunkId = "invoicing#0",
                    DocumentId = "invoicing",
                    Title = "Invoicing",
                    Language = "en",
                    Text = "Submit the invoice for a course you taught within 30 days of the course end date.",
                    Score = 1,
                },
            ]);
}
