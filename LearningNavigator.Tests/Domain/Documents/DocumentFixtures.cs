using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace LearningNavigator.Tests.Domain.Documents;

/// <summary>Builds small real files at test time, so no binary fixture needs to be checked in.</summary>
internal static class DocumentFixtures
{
    /// <summary>One PDF page per entry, each line written at its own height.</summary>
    public static byte[] Pdf(string? title, params string[][] pages)
    {
        var builder = new PdfDocumentBuilder();
        if (title is not null)
        {
            builder.DocumentInformation.Title = title;
        }

        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var lines in pages)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            var y = 780.0;
            foreach (var line in lines)
            {
                page.AddText(line, 11, new PdfPoint(40, y), font);
                y -= 18;
            }
        }

        return builder.Build();
    }

    public static byte[] Docx(string? coreTitle, params OpenXmlElement[] bodyElements)
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            main.Document = new Document(new Body(bodyElements));
            if (coreTitle is not null)
            {
                word.PackageProperties.Title = coreTitle;
            }
        }

        return stream.ToArray();
    }

    public static Paragraph Styled(string styleId, string text) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = styleId }), new Run(new Text(text)));

    public static Paragraph Outline(int level, string text) =>
        new(new ParagraphProperties(new OutlineLevel { Val = level }), new Run(new Text(text)));

    public static Paragraph Para(string text) => new(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));

    public static Table Table(params string[][] rows) =>
        new(rows.Select(cells => new TableRow(cells.Select(c => new TableCell(Para(c))))));

    /// <summary>Deterministic prose: sentences of 6-18 words, paragraphs of 3-7 sentences.</summary>
    public static string Prose(int seed, int paragraphs)
    {
        string[] words =
        [
            "listen", "nonjudgmentally", "assess", "risk", "crisis", "support", "person", "instructor", "course",
            "mental", "health", "first", "aid", "encourage", "professional", "help", "resources", "signs", "symptoms",
            "anxiety", "depression", "recovery", "training", "session", "participants", "certification", "safety",
            "plan", "community", "respect", "trust", "connection", "reassure", "information", "self-help", "strategies",
        ];
        var random = new Random(seed);
        var builder = new StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            if (p > 0)
            {
                builder.Append("\n\n");
            }

            var sentences = random.Next(3, 8);
            for (var s = 0; s < sentences; s++)
            {
                if (s > 0)
                {
                    builder.Append(' ');
                }

                var count = random.Next(6, 19);
                for (var w = 0; w < count; w++)
                {
                    var word = words[random.Next(words.Length)];
                    builder.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : " " + word);
                }

                builder.Append(random.Next(10) == 0 ? '?' : '.');
            }
        }

        return builder.ToString();
    }
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ln-docs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string fileName, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Write(string fileName, string text) => Write(fileName, Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
