using System.Collections.Concurrent;
using System.Text;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;

namespace LearningNavigator.Tests.Faults;

/// <summary>How a simulated client reads its answer.</summary>
public enum ClientBehaviour
{
    /// <summary>Reads to the end.</summary>
    ReadAll,
    /// <summary>Cancels its request after a few tokens (the Stop button, a closed tab, an aborted HTTP request).</summary>
    CancelMidStream,
    /// <summary>Stops reading after a few tokens without cancelling (a server-sent-events writer that failed).</summary>
    AbandonMidStream,
}

/// <summary>
/// One question as the client saw it. <see cref="Acknowledged"/> is the contract under test: the pipeline
/// yields <see cref="QuestionAccepted"/> only after the user's message is stored, so an acknowledged question
/// must be in the store, with an answer row, whatever happened afterwards.
/// </summary>
public sealed class AskRecord
{
    public required string UserId { get; init; }
    public required string ConversationId { get; init; }
    public required string Question { get; init; }
    public required ClientBehaviour Behaviour { get; init; }
    public string UserMessageId { get; } = Guid.CreateVersion7().ToString("N");
    public string AssistantMessageId { get; } = Guid.CreateVersion7().ToString("N");
    public bool Acknowledged { get; set; }
    public bool Completed { get; set; }
    public bool StoppedEarly { get; set; }
    public bool ModelFailed { get; set; }
    public int Attempts { get; set; }
    public StringBuilder Received { get; } = new();
    public string? Error { get; set; }

    /// <summary>The answer cannot be whole: the client left or the model broke.</summary>
    public bool ExpectInterrupted => StoppedEarly || ModelFailed;
}

/// <summary>
/// Concurrent users, each in its own conversation, asking one question after another through the pipeline.
/// A question that was not acknowledged (the store refused it) is retried with the same message ids, as the chat
/// page's retry and an API client do; the ids make the retry land on the same rows.
/// </summary>
public static class ChatLoad
{
    private const int StopAfterTokens = 4;
    private const int MaxAttempts = 8;

    public static async Task<IReadOnlyList<AskRecord>> RunAsync(
        AnswerPipeline pipeline, int users, int questionsEach, Func<int, int, ClientBehaviour> behaviour, Func<int, int, Task>? beforeQuestion = null)
    {
        var records = new ConcurrentBag<AskRecord>();
        await Task.WhenAll(Enumerable.Range(0, users).Select(u => Task.Run(async () =>
        {
            var conversationId = Guid.CreateVersion7().ToString("N");
            for (var q = 0; q < questionsEach; q++)
            {
                if (beforeQuestion is not null)
                {
                    await beforeQuestion(u, q);
                }

                var record = new AskRecord
                {
                    UserId = $"user-{u}",
                    ConversationId = conversationId,
                    Question = $"How do I schedule a course for group {u}, question {q}?",
                    Behaviour = behaviour(u, q),
                };
                records.Add(record);
                await AskAsync(pipeline, record);
            }
        })));
        return [.. records];
    }

    private static async Task AskAsync(AnswerPipeline pipeline, AskRecord record)
    {
        var request = new AskRequest
        {
            UserId = record.UserId,
            Role = AppRoles.Instructor,
            ConversationId = record.ConversationId,
            Text = record.Question,
            UserMessageId = record.UserMessageId,
            AssistantMessageId = record.AssistantMessageId,
        };
        while (record.Attempts < MaxAttempts)
        {
            record.Attempts++;
            using var cancellation = new CancellationTokenSource();
            try
            {
                var tokens = 0;
                await foreach (var update in pipeline.AskAsync(request, cancellation.Token))
                {
                    switch (update)
                    {
                        case QuestionAccepted:
                            record.Acknowledged = true;
                            break;
                        case AnswerDelta delta:
                            record.Received.Append(delta.Text);
                            tokens++;
                            break;
                        case AnswerCompleted:
                            record.Completed = true;
                            break;
                    }

                    if (tokens == StopAfterTokens && record.Behaviour == ClientBehaviour.CancelMidStream && !cancellation.IsCancellationRequested)
                    {
                        record.StoppedEarly = true;
                        await cancellation.CancelAsync();
                    }
                    else if (tokens == StopAfterTokens && record.Behaviour == ClientBehaviour.AbandonMidStream)
                    {
                        record.StoppedEarly = true;
                        break;
                    }
                }

                return;
            }
            catch (AnswerGenerationException)
            {
                record.ModelFailed = true;
                return;
            }
            catch (Exception ex) when (!record.Acknowledged && ex is not OperationCanceledException)
            {
                // Nothing was acknowledged, so nothing may be assumed stored: ask again, same ids.
                record.Error = ex.Message;
                await Task.Delay(150);
            }
            catch (Exception ex)
            {
                record.Error = ex.Message;
                return;
            }
        }
    }
}

/// <summary>The checks every fault scenario ends with.</summary>
public static class Ledger
{
    public static async Task AssertNothingLostAsync(IConversationStore store, IReadOnlyList<AskRecord> records)
    {
        var acknowledged = records.Where(r => r.Acknowledged).ToList();
        Assert.NotEmpty(acknowledged);
        foreach (var record in acknowledged)
        {
            var question = await store.GetMessageAsync(record.UserMessageId, CancellationToken.None);
            Assert.True(question is not null, $"Acknowledged question {record.UserMessageId} is not stored.");
            Assert.Equal(record.Question, question.Text);
            Assert.Equal(record.ConversationId, question.ConversationId);

            var answer = await store.GetMessageAsync(record.AssistantMessageId, CancellationToken.None);
            Assert.True(answer is not null, $"The answer to acknowledged question {record.UserMessageId} is not stored ({record.Behaviour}, model failed: {record.ModelFailed}).");
            var received = record.Received.ToString();
            Assert.StartsWith(received, answer.Text, StringComparison.Ordinal);
            if (record.ExpectInterrupted)
            {
                Assert.True(answer.Interrupted, $"Answer {answer.Id} stopped early ({record.Behaviour}, model failed: {record.ModelFailed}) but is not marked interrupted.");
            }
            else
            {
                Assert.False(answer.Interrupted, $"Answer {answer.Id} was read to the end but is marked interrupted.");
                Assert.Equal(received, answer.Text);
            }
        }

        foreach (var conversation in acknowledged.GroupBy(r => r.ConversationId))
        {
            var messages = await store.GetMessagesAsync(conversation.Key, CancellationToken.None);
            Assert.Equal(messages.Count, messages.Select(m => m.Id).Distinct().Count());
            // A retried question must not appear twice, nor an answer be written as two rows.
            Assert.Equal(conversation.Count(), messages.Count(m => m.Author == MessageAuthor.User));
            Assert.Equal(conversation.Count(), messages.Count(m => m.Author == MessageAuthor.Assistant));
            var stored = await store.GetConversationAsync(conversation.Key, CancellationToken.None);
            Assert.Equal(messages.Count, stored!.MessageCount);
        }
    }
}
