using System.Diagnostics;

namespace LearningNavigator.Cli.Load;

/// <summary>Samples a process's CPU time and working set once a second while a load step runs.</summary>
public sealed class ResourceSampler : IAsyncDisposable
{
    private readonly Process process;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly TimeSpan cpuAtStart;
    private readonly long started = Stopwatch.GetTimestamp();
    private long peakWorkingSet;
    private bool disposed;

    public ResourceSampler(Process process)
    {
        this.process = process;
        process.Refresh();
        cpuAtStart = process.TotalProcessorTime;
        peakWorkingSet = process.WorkingSet64;
        loop = SampleAsync();
    }

    /// <summary>Average cores busy over the step (2.0 = both cores of this machine all the time).</summary>
    public double CoresUsed { get; private set; }

    public double PeakWorkingSetMb => peakWorkingSet / 1024.0 / 1024.0;

    /// <summary>Ends the sampling and fixes the figures; later calls keep them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await stop.CancelAsync();
        await loop;
        process.Refresh();
        Sample();
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        CoresUsed = (process.TotalProcessorTime - cpuAtStart).TotalSeconds / Math.Max(wall, 0.001);
        stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                process.Refresh();
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // The step is over.
        }
    }

    private void Sample() => peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
}
