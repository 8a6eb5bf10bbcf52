using System.CommandLine;
using LearningNavigator.Documents;
using LearningNavigator.Documents.Local;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Cli.Commands;

/// <summary>`ingest paths...`: adds files (or every supported file in folders) to the library the web app uses.</summary>
public static class IngestCommand
{
    public static Command Create(IReadOnlyDictionary<string, string?> settings)
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders to add.", Arity = ArgumentArity.OneOrMore };
        var roles = new Option<string[]>("--roles")
        {
            Description = "Roles that may see the documents (admin always may).",
            DefaultValueFactory = _ => [AppRoles.Instructor, AppRoles.Staff, AppRoles.Admin],
            AllowMultipleArgumentsPerToken = true,
        };
        roles.AcceptOnlyFromAmong([.. AppRoles.All]);
        var language = new Option<string?>("--lang") { Description = "Document language; detected from the text when left out." };
        language.AcceptOnlyFromAmong("en", "es");

        var command = new Command("ingest", "Add documents to the library, wait until each is ready or failed, and print the result.")
        {
            paths, roles, language,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // The invocation's writers are the console unless a caller (a test) passes its own.
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            await using var services = CliHost.Build(settings);
            var library = services.GetRequiredService<IDocumentLibrary>();
            var extractor = services.GetRequiredService<DocumentTextExtractor>();
            var files = Expand(parse.GetValue(paths)!, extractor, out var missing);
            foreach (var path in missing)
            {
                await error.WriteLineAsync($"not found: {path}");
            }

            await services.GetRequiredService<LibraryStartup>().StartAsync(cancellationToken);
            var added = new List<LibraryDocument>();
            foreach (var file in files)
            {
                await using var stream = File.OpenRead(file);
                added.Add(await library.AddAsync(new DocumentUpload
                {
                    FileName = Path.GetFileName(file),
                    Content = stream,
                    Roles = parse.GetValue(roles)!,
                    Language = parse.GetValue(language),
                }, cancellationToken));
            }

            // The CLI has no hosted worker: it runs the same pipeline in its own time, then reads the outcome.
            if (library is LocalDocumentLibrary local)
            {
                await local.ProcessPendingAsync(cancellationToken);
            }

            var failures = missing.Count;
            foreach (var document in added)
            {
                var final = await WaitAsync(library, document, cancellationToken);
                await output.WriteLineAsync(final.Status == DocumentStatus.Ready
                    ? $"ready   {final.FileName} → {final.Id} ({final.Language}, {final.PageCount?.ToString() ?? "-"} pages, {final.ChunkCount} chunks)"
                    : $"failed  {final.FileName}: {final.Error}");
                failures += final.Status == DocumentStatus.Ready ? 0 : 1;
            }

            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static List<string> Expand(string[] paths, DocumentTextExtractor extractor, out List<string> missing)
    {
        missing = [];
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(extractor.IsSupported).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                missing.Add(path);
            }
        }

        return files;
    }

    /// <summary>A managed library finishes on its own schedule; the local one is already done here.</summary>
    private static async Task<LibraryDocument> WaitAsync(IDocumentLibrary library, LibraryDocument document, CancellationToken cancellationToken)
    {
        var current = document;
        while (current.Status is not (DocumentStatus.Ready or DocumentStatus.Failed))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            current = await library.GetAsync(document.Id, cancellationToken) ?? current with { Status = DocumentStatus.Failed, Error = "it was deleted meanwhile." };
        }

        return current;
    }
}
