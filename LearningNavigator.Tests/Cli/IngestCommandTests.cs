using System.CommandLine;
using LearningNavigator.Cli;
using LearningNavigator.Cli.Commands;
using LearningNavigator.Documents;
using LearningNavigator.Knowledge;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Cli;

/// <summary>`ingest paths...` against a temporary library, index and catalog (no sample library, BM25 only).</summary>
public sealed class IngestCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ln-ingest-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;

    public IngestCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "empty-sample-library"));
        File.WriteAllText(Path.Combine(_root, "empty-sample-library", "library.json"), "{ \"documents\": [] }");
        Directory.CreateDirectory(Path.Combine(_root, "input", "folder", "nested"));
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Library:Path"] = Path.Combine(_root, "empty-sample-library"),
            ["Library:StoragePath"] = Path.Combine(_root, "data", "library"),
            ["Retrieval:Local:IndexPath"] = Path.Combine(_root, "data", "index"),
            ["Retrieval:Local:Mode"] = "Bm25",
            ["Storage:Sqlite:DatabasePath"] = Path.Combine(_root, "data", "navigator.db"),
            ["Accounts:DatabasePath"] = Path.Combine(_root, "data", "accounts.db"),
        };
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private string Input(string relative, string content)
    {
        var path = Path.Combine(_root, "input", relative);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<(int ExitCode, string Output, string Error)> IngestAsync(params string[] paths)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { IngestCommand.Create(_settings) };
        var exitCode = await root.Parse(["ingest", .. paths]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return (exitCode, output.ToString(), error.ToString());
    }

    private async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(string query)
    {
        await using var services = CliHost.Build(_settings);
        return await services.GetRequiredService<IKnowledgeRetriever>().RetrieveAsync(
            new RetrievalRequest { Query = query, Role = AppRoles.Admin, TopK = 10 }, CancellationToken.None);
    }

    private async Task<IReadOnlyList<LibraryDocument>> ListAsync()
    {
        await using var services = CliHost.Build(_settings);
        return await services.GetRequiredService<IDocumentLibrary>().ListAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Files_and_folders_are_ingested_and_searchable()
    {
        var file = Input("roster.md", "# Roster\n\nThe quarterly roster of instructors is kept by the Harrowgate regional office.");
        Input(Path.Combine("folder", "venues.txt"), "Venues for courses in Pemberton are booked through the facilities desk.");
        Input(Path.Combine("folder", "nested", "catering.html"), "<html><body><h1>Catering</h1><p>Lunch for Thornbury courses is ordered two days ahead.</p></body></html>");
        Input(Path.Combine("folder", "notes.xyz"), "Not a supported type, so the folder walk skips it.");

        var (exitCode, output, error) = await IngestAsync(file, Path.Combine(_root, "input", "folder"));

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("ready   roster.md", output, StringComparison.Ordinal);
        Assert.Contains("ready   venues.txt", output, StringComparison.Ordinal);
        Assert.Contains("ready   catering.html", output, StringComparison.Ordinal);
        Assert.DoesNotContain("notes.xyz", output, StringComparison.Ordinal);
        var documents = await ListAsync();
        Assert.Equal(["catering.html", "roster.md", "venues.txt"], documents.Select(d => d.FileName).Order(StringComparer.Ordinal));
        Assert.All(documents, d => Assert.Equal(DocumentStatus.Ready, d.Status));
        Assert.Equal(documents.Single(d => d.FileName == "roster.md").Id, (await SearchAsync("Harrowgate"))[0].DocumentId);
        Assert.Equal(documents.Single(d => d.FileName == "venues.txt").Id, (await SearchAsync("Pemberton"))[0].DocumentId);
        Assert.Equal(documents.Single(d => d.FileName == "catering.html").Id, (await SearchAsync("Thornbury"))[0].DocumentId);
    }

    [Fact]
    public async Task A_bad_file_gets_a_clear_reason_and_nothing_of_it_reaches_the_index()
    {
        // Plain text dressed as a PDF: the type is checked by content, not by extension.
        var fake = Input("handbook.pdf", "Wexcombe attendance rules, written as plain text but named like a PDF.");
        var good = Input("agenda.txt", "The Ashdown workshop agenda starts with introductions.");

        var (exitCode, output, _) = await IngestAsync(fake, good);

        Assert.Equal(1, exitCode);
        var failure = Assert.Single(output.Split('\n'), line => line.StartsWith("failed  handbook.pdf: ", StringComparison.Ordinal));
        Assert.Contains("PDF", failure, StringComparison.Ordinal);
        Assert.Contains("ready   agenda.txt", output, StringComparison.Ordinal);
        Assert.Empty(await SearchAsync("Wexcombe attendance"));
        Assert.NotEmpty(await SearchAsync("Ashdown workshop"));
        Assert.Equal(DocumentStatus.Failed, (await ListAsync()).Single(d => d.FileName == "handbook.pdf").Status);
    }

    [Fact]
    public async Task A_missing_path_is_named_and_fails_the_command()
    {
        var missing = Path.Combine(_root, "input", "no-such-file.md");

        var (exitCode, _, error) = await IngestAsync(missing);

        Assert.Equal(1, exitCode);
        Assert.Contains($"not found: {missing}", error, StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }
}
