using System.Globalization;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LearningNavigator.Web.Components.Pages.Chat;

public sealed partial class ChatMessageView : IDisposable
{
    /// <summary>
    /// How often a streaming answer is drawn. A word arrives every few milliseconds, but a person reads no faster
    /// than a frame; the page hands this view text once per frame (<see cref="AnswerFrames"/>), which keeps the
    /// render batches, the dispatcher hops and the client's acknowledgements to a fraction of one per word.
    /// </summary>
    internal static readonly TimeSpan StreamingFrame = TimeSpan.FromMilliseconds(50);

    private ChatMessageModel? subscribed;
    private int renderedVersion = -1;
    private string? copyStatus;

    [Parameter, EditorRequired]
    public required ChatMessageModel Model { get; set; }

    [Parameter]
    public EventCallback<Citation> OnCitation { get; set; }

    [Parameter]
    public EventCallback<FeedbackSubmission> OnFeedback { get; set; }

    [Parameter]
    public EventCallback OnRegenerate { get; set; }

    [Parameter]
    public EventCallback<string> OnFollowUp { get; set; }

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(subscribed, Model))
        {
            return;
        }

        if (subscribed is not null)
        {
            subscribed.Changed -= OnModelChanged;
        }

        subscribed = Model;
        Model.Changed += OnModelChanged;
    }

    // The conversation re-renders when a message is added; finished messages have nothing new to show then.
    // The version is taken as the render starts: a word appended while the tree is being built then still
    // differs from it and gets the next frame, instead of being marked as shown without ever being drawn.
    protected override bool ShouldRender()
    {
        if (renderedVersion == Model.Version)
        {
            return false;
        }

        renderedVersion = Model.Version;
        return true;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            renderedVersion = Model.Version;
        }
    }

    private static string ChipTooltip(Citation citation) =>
        citation.Location.Length > 0 ? $"{citation.Title} · {citation.Location}" : citation.Title;

    private void OnModelChanged() => _ = InvokeAsync(StateHasChanged);

    private async Task CopyAsync()
    {
        bool copied;
        try
        {
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/chat.js");
            copied = await module.InvokeAsync<bool>("copyText", Model.Text.ToString());
        }
        catch (JSException)
        {
            copied = false;
        }

        copyStatus = copied ? L["Message.Copied"] : L["Message.CopyFailed"];
        Model.Touch();
    }

    public void Dispose()
    {
        if (subscribed is not null)
        {
            subscribed.Changed -= OnModelChanged;
        }
    }

    // Attribute values are read by monitoring scripts (and the load tool), so they do not follow the page's culture.
    private static string? Milliseconds(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture);
}
