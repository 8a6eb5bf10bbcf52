using System.Globalization;
using LearningNavigator.Documents;
using LearningNavigator.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace LearningNavigator.Web.Components.Pages.Admin;

/// <summary>
/// The admin's document library. Talks only to <see cref="IDocumentLibrary"/>, so it works the same over the
/// embedded library and a managed knowledge base, and refreshes whenever the library reports a change. When the store
/// behind the library refuses a call (a bucket the app may not write, one that does not exist), the page names the
/// cause in the reader's language and stays usable: an unhandled exception would end the circuit.
/// </summary>
public sealed partial class DocumentsPage
{
    private IReadOnlyList<LibraryDocument>? documents;
    private (LibraryDocument Document, DocumentPreview? Preview)? preview;
    private string? error;
    private bool interactive;
    private CultureInfo culture = CultureInfo.CurrentCulture;
    private CultureInfo uiCulture = CultureInfo.CurrentUICulture;

    [Inject] private IDocumentLibrary Library { get; set; } = default!;
    [Inject] private IOptions<LibraryOptions> Options { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private long MaxFileBytes => Options.Value.MaxFileBytes;

    private string Summary
    {
        get
        {
            var list = documents ?? [];
            var ready = list.Count(d => d.Status == DocumentStatus.Ready);
            var failed = list.Count(d => d.Status == DocumentStatus.Failed);
            var working = list.Count - ready - failed;
            var parts = new List<string> { L["Documents.Summary.Documents", list.Count], L["Documents.Summary.Ready", ready] };
            if (working > 0)
            {
                parts.Add(L["Documents.Summary.InProgress", working]);
            }

            if (failed > 0)
            {
                parts.Add(L["Documents.Summary.Failed", failed]);
            }

            return string.Join(" · ", parts);
        }
    }

    protected override async Task OnInitializedAsync()
    {
        (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        Library.Changed += OnLibraryChanged;
        await TryLibraryAsync(async () => documents = await Library.ListAsync(CancellationToken.None));
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            interactive = true;
            StateHasChanged();
        }
    }

    public void Dispose() => Library.Changed -= OnLibraryChanged;

    private void OnLibraryChanged(LibraryDocument changed) => _ = InvokeAsync(async () =>
    {
        // The library raises this from its ingestion worker, whose culture is the server's, not the reader's.
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        documents = await Library.ListAsync(CancellationToken.None);
        if (preview is { } open && open.Document.Id == changed.Id)
        {
            preview = (changed, open.Preview);
        }

        StateHasChanged();
    });

    private async Task UploadAsync(IReadOnlyList<(IBrowserFile File, IReadOnlyList<string> Roles)> files)
    {
        error = null;
        foreach (var (file, roles) in files)
        {
            await AddAsync(file, roles, replacesId: null);
        }
    }

    private Task ReplaceAsync((LibraryDocument Document, IBrowserFile File) replacement) =>
        AddAsync(replacement.File, replacement.Document.Roles, replacement.Document.Id);

    private async Task AddAsync(IBrowserFile file, IReadOnlyList<string> roles, string? replacesId)
    {
        if (file.Size > MaxFileBytes)
        {
            Snackbar.Add(L["Documents.UploadTooLarge", file.Name, file.Size / 1048576.0, MaxFileBytes / 1048576], Severity.Error);
            return;
        }

        try
        {
            await using var stream = file.OpenReadStream(MaxFileBytes);
            var added = await Library.AddAsync(new DocumentUpload { FileName = file.Name, Content = stream, Roles = roles, ReplacesId = replacesId }, CancellationToken.None);
            if (added.Status == DocumentStatus.Failed)
            {
                Snackbar.Add($"{file.Name}: {DocumentStatusView.Reason(added, L, MaxFileBytes)}", Severity.Error);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or IOException)
        {
            Snackbar.Add($"{file.Name}: {ex.Message}", Severity.Error);
        }
        catch (DocumentLibraryException ex)
        {
            error = L["Documents.UploadFailed", file.Name, Describe(ex)];
        }

        // After a failed upload: the listing must not clear the alert that says why.
        await TryLibraryAsync(async () => documents = await Library.ListAsync(CancellationToken.None), clearsError: false);
    }

    private Task SetRolesAsync((string Id, IReadOnlyList<string> Roles) change) => TryLibraryAsync(async () =>
    {
        await Library.SetRolesAsync(change.Id, change.Roles, CancellationToken.None);
        documents = await Library.ListAsync(CancellationToken.None);
    });

    private async Task DeleteAsync(LibraryDocument document)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            L["Documents.DeleteTitle"],
            L["Documents.DeleteMessage", document.Title],
            yesText: L["Documents.Delete"], cancelText: L["Documents.Cancel"]);
        if (confirmed != true)
        {
            return;
        }

        await TryLibraryAsync(async () =>
        {
            await Library.DeleteAsync(document.Id, CancellationToken.None);
            documents = await Library.ListAsync(CancellationToken.None);
            Snackbar.Add(L["Documents.Deleted", document.Title], Severity.Info);
        });
    }

    private Task PreviewAsync(LibraryDocument document) =>
        TryLibraryAsync(async () => preview = (document, await Library.GetPreviewAsync(document.Id, CancellationToken.None)));

    private Task ReindexAllAsync() => TryLibraryAsync(async () =>
    {
        await Library.ReindexAllAsync(CancellationToken.None);
        documents = await Library.ListAsync(CancellationToken.None);
        Snackbar.Add(L["Documents.Reindexed"], Severity.Info);
    });

    /// <summary>Runs one library call; a store failure shows as the page's alert instead of ending the circuit.</summary>
    private async Task TryLibraryAsync(Func<Task> call, bool clearsError = true)
    {
        if (clearsError)
        {
            error = null;
        }

        try
        {
            await call();
        }
        catch (DocumentLibraryException ex)
        {
            error = Describe(ex);
        }
    }

    /// <summary>
    /// The cause in the reader's language. English readers get the library's own words, which name the bucket and
    /// the setting to check; other languages get the kind of failure from the resources.
    /// </summary>
    private string Describe(DocumentLibraryException failure) =>
        LocalizationExtensions.CurrentLanguage == "en" ? failure.Message : L[$"Documents.StoreFailure.{failure.Failure}"];
}
