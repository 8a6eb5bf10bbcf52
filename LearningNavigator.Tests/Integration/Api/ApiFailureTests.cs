using System.Text.Json;
using LearningNavigator.Conversations;
using LearningNavigator.Knowledge;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Integration.Api;

/// <summary>A search that fails mid-request reaches an integration as the stream's error event, not a torn stream.</summary>
public sealed class ApiFailureTests : IDisposable
{
    private readonly NavigatorAppFactory root = new();
    private readonly WebApplicationFactory<Program> factory;

    public ApiFailureTests()
    {
        // The index is never searched here, so it need not embed the library either.
        root.ExtraSettings["Retrieval:Local:Mode"] = "Bm25";
        factory = root.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IKnowledgeRetriever>(new FailingRetriever(new IOException("The index could not be read.")))));
    }

    [Fact]
    public async Task A_failed_search_ends_the_stream_with_an_error_event_then_done_and_the_exchange_is_stored()
    {
        using var caller = await ApiCaller.CreateAsync(factory);
        var conversationId = await caller.CreateConversationAsync();

        var events = await caller.AskAndReadAllAsync(conversationId, "How do I submit an invoice for my course?");

        Assert.Equal([AnswerStream.Error, AnswerStream.Done], events.Select(e => e.EventType).TakeLast(2));
        Assert.Equal(502, ApiCaller.Data(events[^2]).GetProperty("status").GetInt32());
        // Not an AWS failure: nothing more specific to name.
        Assert.Equal(JsonValueKind.Null, ApiCaller.Data(events[^2]).GetProperty("cause").ValueKind);
        var done = ApiCaller.Data(events[^1]);
        Assert.True(done.GetProperty("interrupted").GetBoolean());
        var store = factory.Services.GetRequiredService<IConversationStore>();
        var stored = await store.GetMessagesAsync(conversationId, CancellationToken.None);
        Assert.Equal([done.GetProperty("userMessageId").GetString(), done.GetProperty("messageId").GetString()], stored.Select(m => m.Id));
        Assert.True(stored[^1].Interrupted);
    }

    public void Dispose()
    {
        factory.Dispose();
        root.Dispose();
    }
}
