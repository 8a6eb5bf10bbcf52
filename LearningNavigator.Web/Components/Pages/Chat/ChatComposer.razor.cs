using LearningNavigator.Chat;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LearningNavigator.Web.Components.Pages.Chat;

public sealed partial class ChatComposer
{
    private ElementReference input;
    private string? error;
    private bool ready;

    [Parameter]
    public bool IsStreaming { get; set; }

    [Parameter]
    public EventCallback<string> OnSend { get; set; }

    [Parameter]
    public EventCallback OnStop { get; set; }

    public string Text { get; set; } = string.Empty;

    private bool CanSend => Text.Trim().Length > 0 && Text.Trim().Length <= ChatInput.MaxLength;

    /// <summary>Puts a question in the box and sends it, as when a suggested question is picked.</summary>
    public async Task AskAsync(string question)
    {
        Text = question;
        await SendAsync();
    }

    /// <summary>
    /// Gives back a question that was not sent (refused, rate-limited, the store down), so trying again is one
    /// keystroke; text typed since is left alone.
    /// </summary>
    public void Restore(string question)
    {
        if (Text.Length > 0)
        {
            return;
        }

        Text = question;
        StateHasChanged();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/chat.js");
            await module.InvokeVoidAsync("enterToSend", input);
            ready = true;
            StateHasChanged();
        }
    }

    // Empty text is not an error while typing; it only is when someone tries to send it.
    private void Validate() => error = Text.Length == 0 ? null : Problem();

    // The rule is the domain's (ChatInput); the words are the interface's, in the reader's language.
    private string? Problem()
    {
        var length = Text.Trim().Length;
        return length == 0 ? L["Composer.Empty"].Value
            : length > ChatInput.MaxLength ? L["Composer.TooLong", length, ChatInput.MaxLength].Value
            : null;
    }

    private async Task SendAsync()
    {
        error = Problem();
        if (error is not null || IsStreaming)
        {
            return;
        }

        var question = Text.Trim();
        Text = string.Empty;
        await OnSend.InvokeAsync(question);
    }
}
