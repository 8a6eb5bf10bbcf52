using System.Diagnostics;
using LearningNavigator.Cli.Load;

namespace LearningNavigator.Tests.Cli.Load;

/// <summary>`load` against the web app started as a process of its own: a tiny run end to end through the API.</summary>
public sealed class ServerProcessLoadTests
{
    [Fact]
    public async Task A_tiny_api_load_is_answered_by_a_separate_server_process_that_is_gone_afterwards()
    {
        var plan = new LoadPlan
        {
            Driver = "api",
            Counts = [2],
            StepLength = TimeSpan.FromSeconds(2),
            Ramp = TimeSpan.Zero,
            Settings = new Dictionary<string, string?>
            {
                // Keyword retrieval and a near-instant answerer: the test is about the process, not the speed.
                ["Retrieval:Local:Mode"] = "Bm25",
                ["Generation:Provider"] = "Extractive",
                ["Generation:Extractive:WordDelay"] = "00:00:00.001",
            },
        };
        var log = new StringWriter();
        // A hung start must not hang the suite; the run itself takes well under a minute.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        var report = await LoadRunner.RunAsync(plan, log, guard.Token);

        var step = Assert.Single(report.Results);
        Assert.True(step.Answers > 0, log.ToString());
        Assert.Equal(0, step.Failed);
        Assert.NotNull(step.ClientCoresUsed);
        var serverId = Assert.NotNull(report.ServerProcessId);
        Assert.NotEqual(Environment.ProcessId, serverId);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(serverId));
    }
}
