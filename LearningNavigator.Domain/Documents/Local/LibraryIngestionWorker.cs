using Microsoft.Extensions.Hosting;

namespace LearningNavigator.Documents.Local;

/// <summary>The hosted loop that moves uploaded documents through the pipeline while the app runs.</summary>
public sealed class LibraryIngestionWorker(LocalDocumentLibrary library) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await library.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever was mid-way stays queued in the catalog and resumes at the next start.
        }
    }
}
