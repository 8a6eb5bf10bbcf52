using System.Globalization;
using Bunit;
using LearningNavigator.Documents;
using LearningNavigator.Knowledge.Bedrock;
using LearningNavigator.Tests.Fakes;
using LearningNavigator.Web.Components.Pages.Admin;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace LearningNavigator.Tests.Web.Admin;

/// <summary>
/// The documents page over the knowledge base's library as production wires it, against the loopback S3 and
/// bedrock-agent fakes: a store that refuses is named on the page, and the page goes on working.
/// </summary>
public sealed class DocumentsPageKnowledgeBaseTests : IAsyncLifetime
{
    private const string Markdown = "# Refunds\n\nStaff issue refunds within 14 days of a cancelled course.";

    private readonly BedrockTestHost host = BedrockTestHost.Start();
    private readonly BunitContext context;
    private readonly CultureInfo originalCulture = CultureInfo.CurrentCulture;
    private readonly CultureInfo originalUiCulture = CultureInfo.CurrentUICulture;

    public DocumentsPageKnowledgeBaseTests()
    {
        context = NewContext(host.Get<IDocumentLibrary>());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (originalCulture, originalUiCulture);
        await context.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task An_upload_s3_refuses_shows_the_cause_and_the_page_keeps_working()
    {
        UseCulture("en");
        host.S3.Refuse = request => request.Method == "PUT" ? FakeS3.AccessDenied : null;
        var page = RenderPage();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Markdown, "refunds.md"));

        page.WaitForAssertion(() => Assert.Equal(
            $"“refunds.md” was not added. Amazon S3 denied access to bucket '{FakeS3.Bucket}' (AccessDenied): the app's AWS credentials must be valid and their IAM policy must allow s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on it.",
            page.Find("[data-testid=documents-error]").TextContent));
        Assert.NotNull(page.Find("[data-testid=documents-empty]"));

        // Once the policy allows it, the same page takes the same file: the circuit is still alive.
        host.S3.Refuse = null;
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Markdown, "refunds.md"));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=document-row]")));
        Assert.Empty(page.FindAll("[data-testid=documents-error]"));
        await host.Get<KnowledgeBaseDocumentLibrary>().WhenSyncedAsync();
        page.WaitForAssertion(() => Assert.Equal("Ready", page.Find("[data-testid=document-status]").TextContent));
    }

    [Fact]
    public void In_spanish_a_refused_upload_names_the_cause_from_the_resources()
    {
        UseCulture("es");
        host.S3.Refuse = request => request.Method == "PUT" ? FakeS3.AccessDenied : null;
        var page = RenderPage();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Markdown, "refunds.md"));

        page.WaitForAssertion(() => Assert.Equal(
            "No se añadió «refunds.md». AWS denegó el acceso al almacén de documentos de la base de conocimiento (AccessDenied): las credenciales de la aplicación deben ser válidas y su política de IAM debe permitir las llamadas de S3 y de ingesta que indica docs/aws.md.",
            page.Find("[data-testid=documents-error]").TextContent));
    }

    [Fact]
    public async Task An_ingestion_job_the_agent_refuses_shows_on_the_row_in_the_readers_language()
    {
        UseCulture("es");
        host.Agent.Refusal = (403, "AccessDeniedException", "User is not authorized to perform: bedrock:StartIngestionJob");
        var page = RenderPage();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Markdown, "refunds.md"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=document-row]")));
        await host.Get<KnowledgeBaseDocumentLibrary>().WhenSyncedAsync();

        page.WaitForAssertion(() => Assert.Equal("Con error", page.Find("[data-testid=document-status]").TextContent));
        Assert.StartsWith("AWS denegó el acceso", page.Find("[data-testid=document-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_is_named_when_the_page_opens_instead_of_ending_the_circuit()
    {
        UseCulture("en");
        // The fake S3 answers NoSuchBucket for any bucket but its own.
        await using var missing = BedrockTestHost.Start(new Dictionary<string, string?> { ["KnowledgeBase:Bucket"] = "kb-missing" });
        await using var elsewhere = NewContext(missing.Get<IDocumentLibrary>());
        elsewhere.Render<MudPopoverProvider>();

        var page = elsewhere.Render<DocumentsPage>();

        page.WaitForAssertion(() => Assert.Equal(
            "The knowledge base bucket 'kb-missing' does not exist (NoSuchBucket): check KnowledgeBase:Bucket and Aws:Region.",
            page.Find("[data-testid=documents-error]").TextContent));
        Assert.Empty(page.FindAll(".mud-progress-linear"));
    }

    /// <summary>The app always runs a request in English or Spanish; the test runner's own culture may be neither.</summary>
    private static void UseCulture(string name) =>
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);

    private static BunitContext NewContext(IDocumentLibrary library)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLocalization();
        context.Services.AddSingleton(library);
        context.Services.AddSingleton(Options.Create(new LibraryOptions()));
        return context;
    }

    private IRenderedComponent<DocumentsPage> RenderPage()
    {
        context.Render<MudPopoverProvider>();
        var page = context.Render<DocumentsPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=documents-empty]")));
        return page;
    }
}
