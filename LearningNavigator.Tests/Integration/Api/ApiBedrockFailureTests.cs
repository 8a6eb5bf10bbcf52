using LearningNavigator.Aws;
using LearningNavigator.Conversations;
using LearningNavigator.Tests.Fakes;
using LearningNavigator.Web.Api;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Integration.Api;

/// <summary>
/// The app answering with Claude on Bedrock (the loopback runtime fake): when the model is refused, the stream's
/// error event names the cause as the chat page does, instead of a bare 502.
/// </summary>
public sealed class ApiBedrockFailureTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly FakeBedrockRuntime runtime = new();
    private readonly NavigatorAppFactory factory;

    public ApiBedrockFailureTests()
    {
        factory = new NavigatorAppFactory
        {
            TestServices = services => services.AddSingleton<IAwsCredentialSource>(new StaticAwsCredentialSource(SigV4Verifier.AccessKey, SigV4Verifier.SecretKey)),
        };
        factory.ExtraSettings["Generation:Provider"] = "Bedrock";
        factory.ExtraSettings["Aws:Region"] = SigV4Verifier.Region;
        factory.ExtraSettings["Aws:BedrockRuntimeUrl"] = runtime.BaseUrl.ToString();
        factory.ExtraSettings["Bedrock:FastModelId"] = BedrockTestHost.FastModel;
        factory.ExtraSettings["Bedrock:StrongModelId"] = BedrockTestHost.StrongModel;
        factory.ExtraSettings["Retrieval:Local:Mode"] = "Bm25";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await runtime.DisposeAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    [Fact]
    public async Task A_model_call_aws_refuses_ends_the_stream_with_an_error_naming_the_cause()
    {
        runtime.EnqueueError(403, "AccessDeniedException", "User: arn:aws:sts::111122223333:assumed-role/app is not authorized to perform: bedrock:InvokeModelWithResponseStream");
        using var caller = await ApiCaller.CreateAsync(factory);
        var conversationId = await caller.CreateConversationAsync();

        var events = await caller.AskAndReadAllAsync(conversationId, "What are the steps of the ALGEE action plan?");

        Assert.Equal([AnswerStream.Error, AnswerStream.Done], events.Select(e => e.EventType).TakeLast(2));
        var error = ApiCaller.Data(events[^2]);
        Assert.Equal(502, error.GetProperty("status").GetInt32());
        Assert.Equal("accessDenied", error.GetProperty("cause").GetString());
        Assert.Equal(
            "Amazon Bedrock denied access: check the AWS credentials and that their IAM policy allows this call. What had streamed was stored and marked interrupted.",
            error.GetProperty("detail").GetString());
        Assert.Single(runtime.Requests);
        Assert.Equal("ok", Assert.Single(runtime.SignatureChecks));
        var stored = await factory.Services.GetRequiredService<IConversationStore>().GetMessagesAsync(conversationId, CancellationToken.None);
        Assert.True(stored[^1].Interrupted);
    }
}
