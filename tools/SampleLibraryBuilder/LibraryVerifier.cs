using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace LearningNavigator.Tools.SampleLibraryBuilder;

/// <summary>
/// Reads every shipped file back the way an indexer would and checks the promises the library makes:
/// manifest fields, the sample-content banner, length, and that generated files round-trip their source text.
/// </summary>
internal static partial class LibraryVerifier
{
    public const string StaffOnlyPhrase = "Course Operations Desk";
    private static readonly HashSet<string> KnownRoles = ["instructor", "staff", "admin"];

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public static List<string> Verify(LibraryManifest manifest, string libraryDir, string sourcesDir)
    {
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in manifest.Documents)
        {
            void Problem(string message) => problems.Add($"{entry.Id}: {message}");

            if (!IdPattern().IsMatch(entry.Id)) Problem("id must match [a-z0-9-]+");
            if (!ids.Add(entry.Id)) Problem("duplicate id");
            if (entry.Language is not ("en" or "es")) Problem($"language '{entry.Language}' is not en/es");
            if (entry.Roles.Count == 0 || entry.Roles.Any(r => !KnownRoles.Contains(r))) Problem("roles must be a non-empty subset of instructor/staff/admin");
            if (string.IsNullOrWhiteSpace(entry.Title)) Problem("title is empty");
            if (Path.GetFileNameWithoutExtension(entry.File) != entry.Id) Problem("file name should be <id>.<ext>");

            var path = Path.Combine(libraryDir, entry.File);
            if (!File.Exists(path)) { Problem($"{entry.File} is missing"); continue; }

            string text;
            switch (entry.Extension)
            {
                case ".md":
                    text = File.ReadAllText(path);
                    break;
                case ".pdf":
                    text = ReadPdf(path, out var pages);
                    if (pages < 2) Problem($"PDF has {pages} page(s); at least 2 expected");
                    break;
                case ".docx":
                    text = ReadDocx(path, out var headings, out var tables, out var errors);
                    if (headings == 0) Problem("DOCX has no Heading1/Heading2 paragraphs");
                    foreach (var error in errors) Problem($"OpenXML validation: {error}");
                    if (tables > 0) Console.WriteLine($"  {entry.Id}: {tables} table(s)");
                    break;
                default:
                    Problem($"unsupported extension {entry.Extension}");
                    continue;
            }

            var firstLine = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
            // Spanish documents carry both phrases so the banner is obvious to either reader.
            string[] banners = entry.Language == "es" ? ["SAMPLE CONTENT", "CONTENIDO DE EJEMPLO"] : ["SAMPLE CONTENT"];
            foreach (var banner in banners)
                if (!firstLine.Contains(banner, StringComparison.Ordinal)) Problem($"first line must contain '{banner}', was '{firstLine}'");

            var words = Words(text).Count;
            if (words is < 400 or > 1500) Problem($"{words} words; 400-1500 expected");

            var instructorVisible = entry.Roles.Contains("instructor");
            if (instructorVisible && text.Contains(StaffOnlyPhrase, StringComparison.OrdinalIgnoreCase))
                Problem($"instructor-visible document mentions the staff-only phrase '{StaffOnlyPhrase}'");

            if (entry.Extension is ".pdf" or ".docx")
            {
                var sourcePath = Path.Combine(sourcesDir, entry.Id + ".md");
                if (!File.Exists(sourcePath)) { Problem($"source {sourcePath} is missing"); continue; }
                var expected = Words(SourceDocument.Parse(File.ReadAllText(sourcePath)).PlainText());
                var missing = FirstMissing(expected, Words(text));
                if (missing is not null) Problem($"text does not round-trip; first word lost or out of order: '{missing}'");
            }

            var status = problems.Any(p => p.StartsWith(entry.Id + ":", StringComparison.Ordinal)) ? "FAIL" : "ok";
            Console.WriteLine($"  {status,-4} {entry.Id,-38} {entry.Language} {entry.Extension,-5} {words,5} words  [{string.Join(",", entry.Roles)}]");
        }
        return problems;
    }

    private static string ReadPdf(string path, out int pages)
    {
        using var pdf = PdfDocument.Open(path);
        pages = pdf.NumberOfPages;
        return string.Join("\n", pdf.GetPages().Select(p => ContentOrderTextExtractor.GetText(p)));
    }

    private static string ReadDocx(string path, out int headings, out int tables, out List<string> errors)
    {
        using var docx = WordprocessingDocument.Open(path, false);
        errors = new OpenXmlValidator().Validate(docx).Take(5)
            .Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        var body = docx.MainDocumentPart!.Document!.Body!;
        headings = body.Descendants<ParagraphStyleId>().Count(s => s.Val?.Value?.StartsWith("Heading", StringComparison.Ordinal) == true);
        tables = body.Descendants<Table>().Count();
        return string.Join("\n", body.Descendants<Paragraph>().Select(p => p.InnerText));
    }

    private static List<string> Words(string text) =>
        Whitespace().Split(text).Where(w => w.Length > 0 && w is not ("|" or "•" or "#" or "##" or "###" or "-")).ToList();

    /// <summary>Every source word must appear in the extracted words, in order (page footers may sit between).</summary>
    private static string? FirstMissing(List<string> expected, List<string> actual)
    {
        var j = 0;
        foreach (var word in expected)
        {
            while (j < actual.Count && actual[j] != word) j++;
            if (j == actual.Count) return word;
            j++;
        }
        return null;
    }
}
