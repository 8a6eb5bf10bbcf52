namespace LearningNavigator.Tests.Faults;

/// <summary>
/// Faults injected while 30 users ask 5 questions each through the answer pipeline. After each: every
/// acknowledged question is stored, every answer is stored (marked interrupted when it could not finish),
/// nothing is stored twice. See <see cref="AskRecord"/> for what "acknowledged" means.
/// </summary>
public sealed class PipelineFaultTests : IAsyncLifetime, IDisposable
{
    private const int Users = 30;
    private const int Questions = 5;
    private readonly FaultHost host = new();

    public Task InitializeAsync() => host.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task The_store_failing_for_a_while_loses_no_acknowledged_question_or_answer()
    {
        var records = await ChatLoad.RunAsync(host.Pipeline, Users, Questions, (_, _) => ClientBehaviour.ReadAll, (user, question) =>
        {
            // Mid-run, from the first user's third question: every store call fails for 400 ms.
            if (user == 0 && question == 2)
            {
                host.Store.ThrowFor(TimeSpan.FromMilliseconds(400));
            }

            return Task.CompletedTask;
        });

        Assert.True(host.Store.FaultsInjected > 0, "The store fault never hit a call.");
        Assert.All(records, r => Assert.True(r.Acknowledged, $"Question {r.UserMessageId} was never accepted after {r.Attempts} attempts: {r.Error}"));
        Assert.Contains(records, r => r.Attempts > 1);
        await Ledger.AssertNothingLostAsync(host.Store, records);
    }

    [Fact]
    public async Task The_store_stalling_delays_answers_but_loses_none()
    {
        var records = await ChatLoad.RunAsync(host.Pipeline, Users, Questions, (_, _) => ClientBehaviour.ReadAll, (user, question) =>
        {
            if (user == 0 && question == 2)
            {
                host.Store.StallFor(TimeSpan.FromMilliseconds(500));
            }

            return Task.CompletedTask;
        });

        Assert.True(host.Store.FaultsInjected > 0, "The stall never hit a call.");
        Assert.All(records, r => Assert.True(r.Completed, $"Question {r.UserMessageId} did not complete: {r.Error}"));
        await Ledger.AssertNothingLostAsync(host.Store, records);
    }

    [Fact]
    public async Task A_model_stream_breaking_mid_answer_keeps_the_partial_answer_marked_interrupted()
    {
        host.Model.BreakEvery = 3;

        var records = await ChatLoad.RunAsync(host.Pipeline, Users, Questions, (_, _) => ClientBehaviour.ReadAll);

        Assert.True(host.Model.Breaks > 0);
        Assert.Equal(host.Model.Breaks, records.Count(r => r.ModelFailed));
        Assert.All(records.Where(r => r.ModelFailed), r => Assert.NotEqual(0, r.Received.Length));
        await Ledger.AssertNothingLostAsync(host.Store, records);
    }

    [Fact]
    public async Task Clients_leaving_mid_stream_leave_their_partial_answers_stored_and_marked()
    {
        // A third read to the end, a third cancel (Stop, a closed tab), a third just stop reading (a failed writer).
        var records = await ChatLoad.RunAsync(host.Pipeline, Users, Questions, (user, question) => (ClientBehaviour)((user + question) % 3));

        Assert.Contains(records, r => r.Behaviour == ClientBehaviour.AbandonMidStream && r.StoppedEarly);
        Assert.Contains(records, r => r.Behaviour == ClientBehaviour.CancelMidStream && r.StoppedEarly);
        await Ledger.AssertNothingLostAsync(host.Store, records);
    }
}
