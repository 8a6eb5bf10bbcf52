using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Generation.Bedrock;
using LearningNavigator.Web.Observability;

namespace LearningNavigator.Web.Api;

/// <summary>
/// Turns the answer pipeline's events into the API's server-sent events. The contract (docs/api.md):
/// <c>crisis</c> (only on crisis language, always first), <c>delta</c>…, <c>citations</c>, <c>usage</c>,
/// <c>followups</c>, then <c>error</c> if the search or the model failed, and <c>done</c> last. The texts of <c>crisis</c>
/// and every <c>delta</c>, in order, make up the stored answer.
/// </summary>
public static class AnswerStream
{
    public const string Crisis = "crisis";
    public const string Delta = "delta";
    public const string Citations = "citations";
    public const string Usage = "usage";
    public const string FollowUps = "followups";
    public const string Error = "error";
    public const string Done = "done";

    /// <param name="events">The pipeline's events, already past <see cref="QuestionAccepted"/>; disposed here.</param>
    public static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        IAsyncEnumerator<AnswerEvent> events,
        QuestionAccepted accepted,
        bool crisis,
        AskRequest request,
        IConversationStore store,
        RequestClock? clock,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var finished = false;
        try
        {
            var crisisPending = crisis;
            StoredMessage? answer = null;
            AnswerTimings? timings = null;
            AnswerGenerationException? failure = null;
            double? requestFirstTokenMs = null;
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (AnswerGenerationException ex)
                {
                    // The pipeline stored what had streamed before it threw; the client hears about it below.
                    failure = ex;
                    answer = ex.PartialAnswer;
                    break;
                }

                switch (events.Current)
                {
                    case AnswerDelta delta:
                        // On crisis language the pipeline's first text is the crisis resources.
                        yield return Item(crisisPending ? Crisis : Delta, new TextEvent(delta.Text));
                        // Resumed only once the writer has sent the item on: the first word is on its way.
                        requestFirstTokenMs ??= clock?.ElapsedMs();
                        crisisPending = false;
                        break;
                    case AnswerCompleted completed:
                        answer = completed.AssistantMessage;
                        timings = completed.Timings;
                        break;
                }
            }

            finished = true;
            if (answer is null)
            {
                yield break;
            }

            yield return Item(Citations, new CitationsEvent([.. answer.Citations.Select(CitationDto.From)]));
            yield return Item(Usage, new UsageEvent(
                answer.Model, answer.InputTokens, answer.OutputTokens, answer.CacheReadTokens, answer.CacheWriteTokens,
                answer.EstimatedCostUsd, answer.LatencyMs, answer.TimeToFirstTokenMs, timings, requestFirstTokenMs));
            var asked = (await store.GetMessagesAsync(accepted.Conversation.Id, cancellationToken))
                .Where(m => m.Author == MessageAuthor.User).Select(m => m.Text);
            yield return Item(FollowUps, new FollowUpsEvent(FollowUpSuggestions.For(
                answer.Citations.Select(c => (c.Title, FollowUpSuggestions.HeadingFromLocation(c.Location))), asked, request.Role, answer.Language)));
            if (failure is not null)
            {
                yield return Item(Error, FailureEvent(failure));
            }

            yield return Item(Done, new DoneEvent(accepted.Conversation.Id, accepted.UserMessage.Id, answer.Id, answer.Interrupted, answer.LowConfidence));
        }
        finally
        {
            if (!finished)
            {
                await DrainAsync(events);
            }

            await events.DisposeAsync();
        }
    }

    /// <summary>
    /// The client went away mid-stream. The pipeline's token (the request's) is cancelled by now, so pulling on
    /// lets it store the partial answer marked interrupted, exactly as the chat page's stop button does.
    /// </summary>
    private static async Task DrainAsync(IAsyncEnumerator<AnswerEvent> events)
    {
        try
        {
            while (await events.MoveNextAsync())
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or AnswerGenerationException)
        {
            // Nothing to tell a client that has gone; whatever had streamed is stored already.
        }
    }

    /// <summary>
    /// The stream's problem details. An AWS failure is named as the chat page names it, with a machine-readable
    /// <c>cause</c>, so an integration can tell "try again later" (throttled) from "tell the operator" (access denied).
    /// </summary>
    public static ErrorEvent FailureEvent(AnswerGenerationException failure)
    {
        const string Title = "The answer could not be completed";
        return BedrockChatClient.AwsExceptionOf(failure) is { } aws
            ? new ErrorEvent(StatusCodes.Status502BadGateway, Title, $"{aws.Message} What had streamed was stored and marked interrupted.",
                JsonNamingPolicy.CamelCase.ConvertName(aws.Failure.ToString()))
            : new ErrorEvent(StatusCodes.Status502BadGateway, Title, "The search or the model failed; what had streamed was stored and marked interrupted.");
    }

    private static SseItem<string> Item<T>(string eventType, T payload) =>
        new(JsonSerializer.Serialize(payload, JsonSerializerOptions.Web), eventType);
}
