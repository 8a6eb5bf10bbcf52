using LearningNavigator.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Cli.Load;

/// <summary>
/// The answer pipeline called directly inside the host, as the chat page calls it but without rendering or a
/// transport: the floor the other drivers are compared against.
/// </summary>
public sealed class DomainLoadDriver(IServiceProvider services) : ILoadDriver
{
    public string Name => "domain";

    public Task<ILoadUser> ConnectAsync(int index, CancellationToken cancellationToken) =>
        Task.FromResult<ILoadUser>(new User(services.GetRequiredService<AnswerPipeline>(), $"load-user-{index}"));

    private sealed class User(AnswerPipeline pipeline, string userId) : ILoadUser
    {
        private readonly string conversationId = Guid.CreateVersion7().ToString("N");

        public async Task AskAsync(string question, AnswerTiming timing, CancellationToken cancellationToken)
        {
            var request = new AskRequest { UserId = userId, Role = AppRoles.Instructor, ConversationId = conversationId, Text = question };
            try
            {
                await foreach (var update in pipeline.AskAsync(request, cancellationToken))
                {
                    if (update is AnswerDelta)
                    {
                        timing.Token();
                    }
                    else if (update is AnswerCompleted { Timings: { } server })
                    {
                        timing.ServerMeasured(server.RetrievalMs, server.ModelFirstTokenMs);
                    }
                }

                timing.Complete();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                timing.Fail(ex.GetType().Name);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
