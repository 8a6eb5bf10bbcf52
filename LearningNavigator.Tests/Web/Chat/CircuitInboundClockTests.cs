using System.Diagnostics;
using LearningNavigator.Web.Components.Pages.Chat;

namespace LearningNavigator.Tests.Web.Chat;

public sealed class CircuitInboundClockTests
{
    [Fact]
    public async Task A_message_s_work_reads_when_that_message_arrived_and_nothing_is_left_behind_afterwards()
    {
        long? seen = null;
        var handler = new CircuitInboundClock().CreateInboundActivityHandler(_ =>
        {
            seen = CircuitInboundClock.CurrentMessage?.StartedAt;
            return Task.CompletedTask;
        });
        var before = Stopwatch.GetTimestamp();

        await handler(null!);

        Assert.InRange(seen!.Value, before, Stopwatch.GetTimestamp());
        Assert.Null(CircuitInboundClock.CurrentMessage?.StartedAt);
    }

    [Fact]
    public async Task Work_still_running_keeps_its_own_message_s_stamp_when_the_next_message_arrives()
    {
        var clock = new CircuitInboundClock();
        var firstMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long? firstStamp = null, firstStampLater = null, secondStamp = null;
        var first = clock.CreateInboundActivityHandler(async _ =>
        {
            firstStamp = CircuitInboundClock.CurrentMessage?.StartedAt;
            await firstMayFinish.Task;
            firstStampLater = CircuitInboundClock.CurrentMessage?.StartedAt;
        })(null!);
        await Task.Delay(5);

        await clock.CreateInboundActivityHandler(_ =>
        {
            secondStamp = CircuitInboundClock.CurrentMessage?.StartedAt;
            return Task.CompletedTask;
        })(null!);
        firstMayFinish.SetResult();
        await first;

        Assert.Equal(firstStamp, firstStampLater);
        Assert.True(secondStamp > firstStamp, "The second message carries its own, later stamp.");
    }
}
