using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Local;
using LearningNavigator.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>
/// Switches in front of the browser app's real search index and conversation store, so a browser test can make
/// them fail the way a broken index or a lost database would, and see what a person sees.
/// </summary>
public sealed class BrowserFaults
{
    private SwitchableStore? store;

    public bool SearchDown { get; set; }

    public bool StoreDown
    {
        get => store?.Down ?? false;
        set => (store ?? throw new InvalidOperationException("The app has not resolved its store yet.")).Down = value;
    }

    public void Install(IServiceCollection services)
    {
        services.AddSingleton<IKnowledgeRetriever>(sp => new SwitchedRetriever(sp.GetRequiredService<LuceneKnowledgeIndex>(), this));
        services.AddSingleton<IConversationStore>(sp =>
        {
            var (wrapped, control) = SwitchableStore.Wrap(sp.GetRequiredService<SqliteConversationStore>());
            store = control;
            return wrapped;
        });
        // The app finds usage through its conversation store; the proxy is not one.
        services.AddSingleton<IUsageStore>(sp => sp.GetRequiredService<SqliteConversationStore>());
    }

    private sealed class SwitchedRetriever(IKnowledgeRetriever inner, BrowserFaults faults) : IKnowledgeRetriever
    {
        public Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken) =>
            faults.SearchDown
                ? Task.FromException<IReadOnlyList<RetrievedPassage>>(new InvalidOperationException("simulated fault: the search index is unreadable"))
                : inner.RetrieveAsync(request, cancellationToken);
    }
}
