using LearningNavigator.Conversations;
using Microsoft.AspNetCore.Components;

namespace LearningNavigator.Web.Components.Pages.Chat;

public sealed partial class ChatMessageView : IDisposable
{
    private ChatMessageModel? subscribed;
    private int renderedVersion = -1;

    [Parameter, EditorRequired]
    public required ChatMessageModel Model { get; set; }

    [Parameter]
    public EventCallback<Citation> OnCitation { get; set; }

    [Parameter]
    public EventCallback<FeedbackSubmission> OnFeedback { get; set; }

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
    protected override bool ShouldRender() => renderedVersion != Model.Version;

    protected override void OnAfterRender(bool firstRender) => renderedVersion = Model.Version;

    private static string ChipTooltip(Citation citation) =>
        citation.Location.Length > 0 ? $"{citation.Title} · {citation.Location}" : citation.Title;

    private void OnModelChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        if (subscribed is not null)
        {
            subscribed.Changed -= OnModelChanged;
        }
    }
}
