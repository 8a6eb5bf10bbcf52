using System.Diagnostics;
using LearningNavigator.Conversations;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LearningNavigator.Web.Components.Pages.Chat;

public sealed partial class ChatMessageView : IDisposable
{
    // A word arrives every few milliseconds, but a person reads no faster than a frame every 50 ms. Rendering
    // per frame instead of per word sends a fraction of the render batches, which is most of a stream's CPU.
    internal static readonly TimeSpan StreamingFrame = TimeSpan.FromMilliseconds(50);

    private ChatMessageModel? subscribed;
    private long lastRenderedAt;
    private bool frameScheduled;
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

        lastRenderedAt = Stopwatch.GetTimestamp();
    }

    private static string ChipTooltip(Citation citation) =>
        citation.Location.Length > 0 ? $"{citation.Title} · {citation.Location}" : citation.Title;

    private void OnModelChanged()
    {
        if (frameScheduled)
        {
            return;
        }

        var untilNextFrame = StreamingFrame - Stopwatch.GetElapsedTime(lastRenderedAt);
        if (!Model.IsStreaming || untilNextFrame <= TimeSpan.Zero)
        {
            _ = InvokeAsync(StateHasChanged);
            return;
        }

        frameScheduled = true;
        _ = RenderNextFrameAsync(untilNextFrame);
    }

    private async Task RenderNextFrameAsync(TimeSpan delay)
    {
        await Task.Delay(delay);
        await InvokeAsync(() =>
        {
            frameScheduled = false;
            StateHasChanged();
        });
    }

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
}
