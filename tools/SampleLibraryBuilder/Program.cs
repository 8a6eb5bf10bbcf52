using LearningNavigator.Tools.SampleLibraryBuilder;

// Turns tools/SampleLibraryBuilder/sources/<id>.md into the PDF/DOCX files listed in the manifest, then
// reads every library file back and checks it. "--verify" only checks (no files written).
var verifyOnly = args.Contains("--verify");
var repoRoot = FindRepoRoot();
var libraryDir = Path.Combine(repoRoot, "LearningNavigator.Web", "SampleLibrary");
var sourcesDir = Path.Combine(repoRoot, "tools", "SampleLibraryBuilder", "sources");
var manifest = LibraryManifest.Load(Path.Combine(libraryDir, "library.json"));

if (!verifyOnly)
{
    var fontDir = Environment.GetEnvironmentVariable("SAMPLE_FONT_DIR") ?? "/usr/share/fonts/truetype/dejavu";
    var regular = Path.Combine(fontDir, "DejaVuSans.ttf");
    var bold = Path.Combine(fontDir, "DejaVuSans-Bold.ttf");
    if (!File.Exists(regular) || !File.Exists(bold))
    {
        Console.Error.WriteLine($"Fonts not found in {fontDir}. Install them with: apt-get install -y fonts-dejavu-core (or set SAMPLE_FONT_DIR).");
        return 2;
    }
    var pdf = new PdfRenderer(File.ReadAllBytes(regular), File.ReadAllBytes(bold));

    foreach (var entry in manifest.Documents.Where(e => e.Extension is ".pdf" or ".docx"))
    {
        var source = SourceDocument.Parse(File.ReadAllText(Path.Combine(sourcesDir, entry.Id + ".md")));
        var output = Path.Combine(libraryDir, entry.File);
        if (entry.Extension == ".pdf")
            File.WriteAllBytes(output, pdf.Render(source, entry));
        else
            DocxRenderer.Render(source, entry, output);
        Console.WriteLine($"wrote {Path.GetRelativePath(repoRoot, output)}");
    }
}

Console.WriteLine("verifying library:");
var problems = LibraryVerifier.Verify(manifest, libraryDir, sourcesDir);
foreach (var problem in problems) Console.Error.WriteLine($"PROBLEM {problem}");
Console.WriteLine(problems.Count == 0 ? $"{manifest.Documents.Count} documents OK" : $"{problems.Count} problem(s)");
return problems.Count == 0 ? 0 : 1;

static string FindRepoRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LearningNavigator.sln"))) return dir.FullName;
    }
    throw new DirectoryNotFoundException("Run from inside the repository (LearningNavigator.sln not found).");
}
