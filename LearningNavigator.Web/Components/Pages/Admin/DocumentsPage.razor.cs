using LearningNavigator.Documents;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace LearningNavigator.Web.Components.Pages.Admin;

/// <summary>
/// The admin's document library. Talks only to <see cref="IDocumentLibrary"/>, so it works the same over the
/// embedded library and a managed knowledge base, and refreshes whenever the library reports a change.
/// </summary>
public sealed partial class DocumentsPage
{
    private IReadOnlyList<LibraryDocument>? documents;
    private (LibraryDocument Document, DocumentPreview? Preview)? preview;
    private string? error;
    private bool interactive;

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
            return $"{list.Count} documents · {ready} ready" + (working > 0 ? $" · {working} in progress" : "") + (failed > 0 ? $" · {failed} failed" : "");
        }
    }

    protected override async Task OnInitializedAsync()
    {
        Library.Changed += OnLibraryChanged;
        documents = await Library.ListAsync(CancellationToken.None);
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
            Snackbar.Add($"{file.Name} is {file.Size / 1048576.0:N1} MB; the limit is {MaxFileBytes / 1048576} MB.", Severity.Error);
            return;
        }

        try
        {
            await using var stream = file.OpenReadStream(MaxFileBytes);
            var added = await Library.AddAsync(new DocumentUpload { FileName = file.Name, Content = stream, Roles = roles, ReplacesId = replacesId }, CancellationToken.None);
            if (added.Status == DocumentStatus.Failed)
            {
                Snackbar.Add($"{file.Name}: {added.Error}", Severity.Error);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or IOException)
        {
            Snackbar.Add($"{file.Name}: {ex.Message}", Severity.Error);
        }

        documents = await Library.ListAsync(CancellationToken.None);
    }

    private async Task SetRolesAsync((string Id, IReadOnlyList<string> Roles) change)
    {
        await Library.SetRolesAsync(change.Id, change.Roles, CancellationToken.None);
        documents = await Library.ListAsync(CancellationToken.None);
    }

    private async Task DeleteAsync(LibraryDocument document)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete document?",
            $"“{document.Title}” and every passage of it will be removed; answers will no longer cite it.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await Library.DeleteAsync(document.Id, CancellationToken.None);
        documents = await Library.ListAsync(CancellationToken.None);
        Snackbar.Add($"Deleted “{document.Title}”.", Severity.Info);
    }

    private async Task PreviewAsync(LibraryDocument document) =>
        preview = (document, await Library.GetPreviewAsync(document.Id, CancellationToken.None));

    private async Task ReindexAllAsync()
    {
        await Library.ReindexAllAsync(CancellationToken.None);
        documents = await Library.ListAsync(CancellationToken.None);
        Snackbar.Add("Every document is queued for indexing again.", Severity.Info);
    }
}
