using System.Globalization;
using LearningNavigator.Analytics;
using LearningNavigator.Conversations;
using Microsoft.AspNetCore.Components;

namespace LearningNavigator.Web.Components.Pages.Admin.Conversations;

/// <summary>
/// Any conversation, read-only, for admins: what was asked, what was answered (sanitised HTML), its measurements
/// and the asker's rating and comment. Reached from the analytics tables.
/// </summary>
public sealed partial class ConversationTranscriptPage
{
    private Conversation? conversation;
    private IReadOnlyList<(StoredMessage Message, MessageFeedback? Feedback)> messages = [];
    private bool loaded;

    [Parameter] public string ConversationId { get; set; } = "";

    [Inject] private IConversationStore Store { get; set; } = default!;

    // The dashboard's zone, so a time here matches the row it was opened from rather than the server's clock.
    [Inject] private AnalyticsService Analytics { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        conversation = await Store.GetConversationAsync(ConversationId, CancellationToken.None);
        var list = new List<(StoredMessage, MessageFeedback?)>();
        if (conversation is not null)
        {
            foreach (var message in await Store.GetMessagesAsync(conversation.Id, CancellationToken.None))
            {
                var feedback = message.Author == MessageAuthor.Assistant
                    ? await Store.GetFeedbackAsync(message.Id, conversation.UserId, CancellationToken.None)
                    : null;
                list.Add((message, feedback));
            }
        }

        messages = list;
        loaded = true;
    }

    private string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Analytics.Zone).ToString("g", CultureInfo.CurrentCulture);

    private string Facts(StoredMessage answer)
    {
        var parts = new List<string>();
        if (answer.LatencyMs is { } latency)
        {
            parts.Add(string.Format(CultureInfo.CurrentCulture, L["Analytics.Transcript.Latency"], (latency / 1000.0).ToString("N2", CultureInfo.CurrentCulture)));
        }

        parts.Add(string.Format(CultureInfo.CurrentCulture, L["Analytics.Transcript.Citations"], answer.Citations.Count));
        if (answer.LowConfidence)
        {
            parts.Add(L["Analytics.Transcript.LowConfidence"]);
        }

        return string.Join(" · ", parts);
    }

    private string FeedbackText(MessageFeedback? feedback) => feedback switch
    {
        null => L["Analytics.Transcript.NoFeedback"],
        { Comment: { Length: > 0 } comment } => string.Format(CultureInfo.CurrentCulture, L["Analytics.Transcript.FeedbackWithComment"], L[$"Analytics.Transcript.Rating.{feedback.Rating}"], comment),
        _ => L[$"Analytics.Transcript.Rating.{feedback.Rating}"],
    };
}
