using System.Diagnostics;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Observability;

namespace LearningNavigator.Web.Components.Pages.Chat;

/// <summary>
/// UI state of one message. While it streams, it raises <see cref="Changed"/> so that only its own view
/// re-renders; <see cref="Version"/> lets the view skip renders its parent would otherwise cause.
/// </summary>
public sealed class ChatMessageModel
{
    private string? html;
    private RequestClock? askedAt;

    public required string Id { get; init; }
    public required MessageAuthor Author { get; init; }
    public StreamingText Text { get; } = new();
    public bool IsStreaming { get; private set; }
    public IReadOnlyList<Citation> Citations { get; private set; } = [];
    public bool LowConfidence { get; private set; }
    public bool Interrupted { get; private set; }
    public FeedbackRating? Rating { get; set; }
    public string? FeedbackComment { get; set; }
    public int Version { get; private set; }

    /// <summary>Where the time before the first word went, for an answer finished in this session.</summary>
    public AnswerTimings? Timings { get; private set; }

    /// <summary>
    /// From the question reaching the server (the circuit, see <see cref="CircuitInboundClock"/>) to its first words
    /// drawn and handed to the connection: the time to the first word as the server saw it, without the network or
    /// the browser.
    /// </summary>
    public double? RequestFirstTokenMs { get; private set; }

    /// <summary>The conversation's last answer: the one that offers regenerate and follow-up questions.</summary>
    public bool IsLatest { get; private set; }
    public IReadOnlyList<string> FollowUps { get; private set; } = [];

    /// <summary>Rendered once, when the text is final: Markdown is never re-parsed per token.</summary>
    public string Html => html ??= AnswerHtml.Render(Text.ToString());

    public event Action? Changed;

    public static ChatMessageModel FromStored(StoredMessage stored, MessageFeedback? feedback = null)
    {
        var model = new ChatMessageModel { Id = stored.Id, Author = stored.Author };
        model.Text.Append(stored.Text);
        model.Complete(stored);
        model.Rating = feedback?.Rating;
        model.FeedbackComment = feedback?.Comment;
        return model;
    }

    /// <summary>An answer about to stream, to a question that reached the server at <paramref name="askedAt"/> (now if not given).</summary>
    public static ChatMessageModel Streaming(string id, RequestClock? askedAt = null)
    {
        var model = new ChatMessageModel { Id = id, Author = MessageAuthor.Assistant };
        model.IsStreaming = true;
        model.askedAt = askedAt ?? new RequestClock(Stopwatch.GetTimestamp());
        return model;
    }

    public void Append(string delta)
    {
        Text.Append(delta);
        Touch();
        // Read after Touch: on the circuit the view has rendered the words and queued them for the browser by now.
        RequestFirstTokenMs ??= askedAt?.ElapsedMs();
    }

    public void Complete(StoredMessage stored, AnswerTimings? timings = null)
    {
        IsStreaming = false;
        Timings = timings;
        Citations = stored.Citations;
        LowConfidence = stored.LowConfidence && stored.Author == MessageAuthor.Assistant;
        Interrupted = stored.Interrupted;
        html = null;
        Touch();
    }

    /// <summary>The stream ended without a stored message (for example the model failed before any text).</summary>
    public void Abort()
    {
        IsStreaming = false;
        Interrupted = true;
        html = null;
        Touch();
    }

    public void SetLatest(bool isLatest, IReadOnlyList<string> followUps)
    {
        if (IsLatest == isLatest && FollowUps.SequenceEqual(followUps))
        {
            return;
        }

        IsLatest = isLatest;
        FollowUps = followUps;
        Touch();
    }

    public void Touch()
    {
        Version++;
        Changed?.Invoke();
    }
}
