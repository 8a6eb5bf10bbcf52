using System.Globalization;
using LearningNavigator.Conversations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace LearningNavigator.Web.Components.Pages.Chat;

/// <summary>A new title for a conversation, as typed.</summary>
public sealed record ConversationRename(string ConversationId, string Title);

/// <summary>The history: search by title, rename in place, delete after a confirmation.</summary>
public sealed partial class ConversationSidebar
{
    public const int MaxTitleLength = 120;

    private string query = string.Empty;
    private string? renamingId;
    private string renameText = string.Empty;
    private string? renameError;
    private string? deletingId;
    private ElementReference searchInput;
    private ElementReference renameInput;
    private ElementReference confirmButton;
    private bool focusPending;

    [Parameter]
    public IReadOnlyList<Conversation> Conversations { get; set; } = [];

    [Parameter]
    public string? ActiveId { get; set; }

    [Parameter]
    public EventCallback OnNew { get; set; }

    [Parameter]
    public EventCallback OnClose { get; set; }

    [Parameter]
    public EventCallback<ConversationRename> OnRename { get; set; }

    [Parameter]
    public EventCallback<string> OnDelete { get; set; }

    private bool IsSearching => query.Trim().Length > 0;

    /// <summary>Every word typed must appear in the title, accents and case aside ("facturacion" finds "Facturación").</summary>
    private List<Conversation> Visible
    {
        get
        {
            var words = query.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return [.. Conversations.Where(c => words.All(w => CultureInfo.InvariantCulture.CompareInfo.IndexOf(
                c.Title, w, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) >= 0))];
        }
    }

    public ValueTask FocusSearchAsync() => searchInput.FocusAsync();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!focusPending)
        {
            return;
        }

        focusPending = false;
        await (renamingId is not null ? renameInput : confirmButton).FocusAsync();
    }

    // Dates in the reader's culture: "4 de marzo, 10:15" or "March 4, 10:15 AM".
    private static string When(Conversation conversation)
    {
        var local = conversation.UpdatedAt.ToLocalTime();
        return $"{local.ToString("M", CultureInfo.CurrentCulture)}, {local.ToString("t", CultureInfo.CurrentCulture)}";
    }

    private Task StartRenameAsync(Conversation conversation)
    {
        deletingId = null;
        renamingId = conversation.Id;
        renameText = conversation.Title;
        renameError = null;
        focusPending = true;
        return Task.CompletedTask;
    }

    private Task StartDeleteAsync(Conversation conversation)
    {
        renamingId = null;
        deletingId = conversation.Id;
        focusPending = true;
        return Task.CompletedTask;
    }

    private void CancelEdit()
    {
        renamingId = null;
        deletingId = null;
        renameError = null;
    }

    private void OnRenameKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Escape")
        {
            CancelEdit();
        }
    }

    private async Task SaveRenameAsync()
    {
        var title = renameText.Trim();
        renameError = title.Length == 0 ? L["Sidebar.TitleRequired"].Value
            : title.Length > MaxTitleLength ? L["Sidebar.TitleTooLong", MaxTitleLength].Value
            : null;
        if (renameError is not null || renamingId is null)
        {
            return;
        }

        var id = renamingId;
        renamingId = null;
        await OnRename.InvokeAsync(new ConversationRename(id, title));
    }

    private async Task ConfirmDeleteAsync(string conversationId)
    {
        deletingId = null;
        await OnDelete.InvokeAsync(conversationId);
    }
}
