using LearningNavigator.Cli.Load.Circuit;

namespace LearningNavigator.Cli.Load;

/// <summary>Each simulated user is a signed-in browser tab on the chat page: a real Blazor Server circuit.</summary>
public sealed class CircuitLoadDriver(Uri baseAddress, Func<int, string> emailOf, string password) : ILoadDriver
{
    public string Name => "circuit";

    public async Task<ILoadUser> ConnectAsync(int index, CancellationToken cancellationToken)
    {
        var client = new BlazorCircuitClient(baseAddress);
        try
        {
            await client.SignInAsync(emailOf(index), password, cancellationToken);
            await client.OpenChatAsync(cancellationToken);
            return new User(client);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private sealed class User(BlazorCircuitClient client) : ILoadUser
    {
        public Task AskAsync(string question, AnswerTiming timing, CancellationToken cancellationToken) =>
            client.AskAsync(question, timing, cancellationToken);

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }
}
