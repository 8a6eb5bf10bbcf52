using System.Globalization;
using Bunit;
using LearningNavigator.Documents;
using LearningNavigator.Web.Components.Pages.Admin;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace LearningNavigator.Tests.Web.Admin;

// MudBlazor's popover service only disposes asynchronously, so the bUnit context is disposed that way too.
public sealed class DocumentsPageTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly BunitContext context = new();
    private readonly RecordingLibrary library = new();

    public DocumentsPageTests()
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLocalization();
        context.Services.AddSingleton<IDocumentLibrary>(library);
        context.Services.AddSingleton(Options.Create(new LibraryOptions()));
        library.Documents.Add(Document("algee", "ALGEE action plan", DocumentStatus.Ready) with { PageCount = 4, ChunkCount = 12, Language = "en" });
        library.Documents.Add(Document("facturas", "Facturación", DocumentStatus.Indexing) with { Language = "es", Progress = 0.5 });
        library.Documents.Add(Document("locked", "Locked handbook", DocumentStatus.Failed) with { Error = "The PDF is encrypted or password-protected." });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await context.DisposeAsync();

    async ValueTask IAsyncDisposable.DisposeAsync() => await context.DisposeAsync();

    private IRenderedComponent<DocumentsPage> RenderPage()
    {
        context.Render<MudPopoverProvider>();
        return context.Render<DocumentsPage>();
    }

    [Fact]
    public void Renders_a_row_per_document_with_status_language_counts_and_failure_reason()
    {
        var page = RenderPage();

        var rows = page.FindAll("[data-testid=document-row]");
        Assert.Equal(["algee", "facturas", "locked"], rows.Select(r => r.GetAttribute("data-document-id")));
        Assert.Equal(["Ready", "Indexing", "Failed"], page.FindAll("[data-testid=document-status]").Select(s => s.TextContent));
        Assert.Equal("ES", rows[1].QuerySelector("[data-testid=document-language]")!.TextContent);
        Assert.Equal("4", rows[0].QuerySelector("[data-testid=document-pages]")!.TextContent);
        Assert.Equal("12", rows[0].QuerySelector("[data-testid=document-chunks]")!.TextContent);
        Assert.NotNull(rows[1].QuerySelector("[data-testid=document-progress]"));
        Assert.Null(rows[0].QuerySelector("[data-testid=document-progress]"));
        Assert.Equal("The PDF is encrypted or password-protected.", rows[2].QuerySelector("[data-testid=document-error]")!.TextContent);
        Assert.Contains("3 documents · 1 ready · 1 in progress · 1 failed", page.Find("[data-testid=documents-summary]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void In_spanish_the_page_statuses_sizes_and_known_refusals_are_spanish_and_other_reasons_stay_as_given()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es");
        try
        {
            library.Documents[2] = library.Documents[2] with { Failure = DocumentExtractionFailure.Encrypted };
            library.Documents.Add(Document("big", "Manual grande", DocumentStatus.Failed) with
            {
                Failure = DocumentExtractionFailure.TooLarge, Error = "The file is 62.0 MB; the limit is 50 MB.", SizeBytes = 1_572_864,
            });
            library.Documents.Add(Document("broken", "Roto", DocumentStatus.Failed) with { Error = "Indexing failed (IOException); try re-indexing." });

            var page = RenderPage();

            Assert.Equal("Biblioteca de documentos", page.Find("h1").TextContent);
            Assert.Equal(["Listo", "Indexando", "Con error", "Con error", "Con error"], page.FindAll("[data-testid=document-status]").Select(s => s.TextContent));
            var reasons = page.FindAll("[data-testid=document-error]").Select(e => e.TextContent).ToList();
            Assert.Equal([
                "El documento está cifrado o protegido con contraseña; sube una copia sin protección.",
                "El archivo supera el límite de 50 MB.",
                "Indexing failed (IOException); try re-indexing.",
            ], reasons);
            Assert.Contains("big.pdf · 1,5 MB", page.Find("[data-document-id=big] .file").TextContent, StringComparison.Ordinal);
            Assert.Equal("5 documentos · 1 listos · 1 en curso · 3 con error", page.Find("[data-testid=documents-summary]").TextContent);
            Assert.Contains("Personal", page.Find("[data-testid=upload-roles]").TextContent, StringComparison.Ordinal);
            Assert.DoesNotContain("Drop files", page.Markup, StringComparison.Ordinal);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public void Dropping_several_files_adds_each_with_the_chosen_roles()
    {
        var page = RenderPage();
        page.Find("[data-testid=upload-roles] input[data-role=staff]").Change(false);

        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText("# Parking\n\nPark behind the hall.", "parking.md"),
            InputFileContent.CreateFromText("Door code 4417.", "codes.txt"));

        Assert.Equal(["parking.md", "codes.txt"], library.Added.Select(a => a.FileName));
        Assert.All(library.Added, a => Assert.Equal([AppRoles.Instructor, AppRoles.Admin], a.Roles));
        Assert.Equal("# Parking\n\nPark behind the hall.", library.Added[0].Text);
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid=document-row]").Count));
    }

    [Fact]
    public void Switching_a_role_on_a_row_sets_the_documents_roles()
    {
        var page = RenderPage();

        page.Find("[data-document-id=algee] [data-testid=document-roles] input[data-role=staff]").Change(true);

        var (id, roles) = Assert.Single(library.RoleChanges);
        Assert.Equal("algee", id);
        Assert.Equal([AppRoles.Instructor, AppRoles.Staff, AppRoles.Admin], roles);
    }

    [Fact]
    public void A_change_reported_by_the_library_refreshes_the_row()
    {
        var page = RenderPage();

        library.Update(library.Documents[1] with { Status = DocumentStatus.Ready, ChunkCount = 7 });

        page.WaitForAssertion(() => Assert.Equal("Ready", page.Find("[data-document-id=facturas] [data-testid=document-status]").TextContent));
        Assert.Equal("7", page.Find("[data-document-id=facturas] [data-testid=document-chunks]").TextContent);
    }

    [Fact]
    public void Reindex_all_asks_the_library()
    {
        var page = RenderPage();

        page.Find("[data-testid=reindex-all]").Click();

        Assert.Equal(1, library.ReindexCalls);
    }

    private static LibraryDocument Document(string id, string title, DocumentStatus status) => new()
    {
        Id = id,
        Title = title,
        FileName = id + ".pdf",
        Language = "en",
        Roles = [AppRoles.Instructor, AppRoles.Admin],
        Status = status,
        SizeBytes = 20_480,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>A library held in memory that remembers what the page asked of it.</summary>
    private sealed class RecordingLibrary : IDocumentLibrary
    {
        public List<LibraryDocument> Documents { get; } = [];
        public List<(string FileName, string Text, IReadOnlyList<string> Roles)> Added { get; } = [];
        public List<(string Id, IReadOnlyList<string> Roles)> RoleChanges { get; } = [];
        public int ReindexCalls { get; private set; }

        public event Action<LibraryDocument>? Changed;

        public void Update(LibraryDocument document)
        {
            Documents[Documents.FindIndex(d => d.Id == document.Id)] = document;
            Changed?.Invoke(document);
        }

        public Task<IReadOnlyList<LibraryDocument>> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<LibraryDocument>>(Documents.ToList());

        public Task<LibraryDocument?> GetAsync(string documentId, CancellationToken cancellationToken) =>
            Task.FromResult(Documents.FirstOrDefault(d => d.Id == documentId));

        public async Task<LibraryDocument> AddAsync(DocumentUpload upload, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(upload.Content);
            Added.Add((upload.FileName, await reader.ReadToEndAsync(cancellationToken), upload.Roles));
            var document = Document(Path.GetFileNameWithoutExtension(upload.FileName), upload.FileName, DocumentStatus.Queued);
            Documents.Add(document);
            return document;
        }

        public Task SetRolesAsync(string documentId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
        {
            RoleChanges.Add((documentId, roles));
            return Task.CompletedTask;
        }

        public Task DeleteAsync(string documentId, CancellationToken cancellationToken)
        {
            Documents.RemoveAll(d => d.Id == documentId);
            return Task.CompletedTask;
        }

        public Task ReindexAllAsync(CancellationToken cancellationToken)
        {
            ReindexCalls++;
            return Task.CompletedTask;
        }
    }
}
