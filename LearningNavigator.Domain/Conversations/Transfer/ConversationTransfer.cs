using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningNavigator.Conversations.Transfer;

/// <summary>
/// Moves everything a store holds to another store as JSON lines: users, then each conversation followed by
/// its messages in order, then feedback. Usage counters are not written out: the importing store rebuilds
/// them as it saves the messages and feedback, so they always agree with the rows.
/// </summary>
public static class ConversationTransfer
{
    public const string Format = "learning-navigator-conversations";
    public const int Version = 1;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
    };

    public static async Task<TransferCounts> ExportAsync(IConversationStore store, TextWriter writer, CancellationToken cancellationToken)
    {
        var counts = new TransferCounts();
        await WriteAsync(writer, new HeaderLine(Format, Version), cancellationToken);
        await foreach (var user in store.ReadAllUsersAsync(cancellationToken))
        {
            await WriteAsync(writer, new UserLine(user), cancellationToken);
            counts = counts with { Users = counts.Users + 1 };
        }

        await foreach (var conversation in store.ReadAllConversationsAsync(cancellationToken))
        {
            await WriteAsync(writer, new ConversationLine(conversation), cancellationToken);
            counts = counts with { Conversations = counts.Conversations + 1 };
            foreach (var message in await store.GetMessagesAsync(conversation.Id, cancellationToken))
            {
                await WriteAsync(writer, new MessageLine(message), cancellationToken);
                counts = counts with { Messages = counts.Messages + 1 };
            }
        }

        await foreach (var feedback in store.ReadAllFeedbackAsync(cancellationToken))
        {
            await WriteAsync(writer, new FeedbackLine(feedback), cancellationToken);
            counts = counts with { Feedback = counts.Feedback + 1 };
        }

        await writer.FlushAsync(cancellationToken);
        return counts;
    }

    /// <summary>
    /// Reads and checks every line before writing anything, so a bad file changes nothing; then writes in
    /// file order. Every store write is idempotent, so importing the same file twice leaves the same data.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an export, or a line is bad; the message names the line.</exception>
    public static async Task<TransferCounts> ImportAsync(IConversationStore store, TextReader reader, CancellationToken cancellationToken)
    {
        var lines = await ReadAndCheckAsync(reader, cancellationToken);
        foreach (var line in lines)
        {
            switch (line)
            {
                case UserLine u:
                    await store.UpsertUserAsync(u.User, cancellationToken);
                    break;
                case ConversationLine c:
                    await store.CreateConversationAsync(c.Conversation, cancellationToken);
                    break;
                case MessageLine m:
                    await store.SaveMessageAsync(m.Message, cancellationToken);
                    break;
                case FeedbackLine f:
                    await store.SaveFeedbackAsync(f.Feedback, cancellationToken);
                    break;
            }
        }

        return new TransferCounts
        {
            Users = lines.OfType<UserLine>().Count(),
            Conversations = lines.OfType<ConversationLine>().Count(),
            Messages = lines.OfType<MessageLine>().Count(),
            Feedback = lines.OfType<FeedbackLine>().Count(),
        };
    }

    private static async Task<List<TransferLine>> ReadAndCheckAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<TransferLine>();
        var conversations = new HashSet<string>(StringComparer.Ordinal);
        var messages = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            TransferLine? line;
            try
            {
                line = JsonSerializer.Deserialize<TransferLine>(text, JsonOptions);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                // NotSupportedException is what the serializer throws for a line with no "type".
                throw new InvalidDataException($"Line {number}: {ex.Message}", ex);
            }

            if (number == 1)
            {
                if (line is not HeaderLine { Format: Format, Version: Version })
                {
                    throw new InvalidDataException($"Line 1: not a {Format} version {Version} export (its first line is the header).");
                }

                continue;
            }

            switch (line)
            {
                case null or HeaderLine:
                    throw new InvalidDataException($"Line {number}: expected a user, conversation, message or feedback record.");
                case ConversationLine c:
                    conversations.Add(c.Conversation.Id);
                    break;
                case MessageLine m when !conversations.Contains(m.Message.ConversationId):
                    throw new InvalidDataException($"Line {number}: message '{m.Message.Id}' comes before its conversation '{m.Message.ConversationId}'.");
                case MessageLine m:
                    messages.Add(m.Message.Id);
                    break;
                case FeedbackLine f when !messages.Contains(f.Feedback.MessageId):
                    throw new InvalidDataException($"Line {number}: feedback on message '{f.Feedback.MessageId}', which is not in the file before it.");
            }

            lines.Add(line);
        }

        return number == 0 ? throw new InvalidDataException("The file is empty; an export starts with its header line.") : lines;
    }

    private static async Task WriteAsync(TextWriter writer, TransferLine line, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync(JsonSerializer.Serialize(line, JsonOptions).AsMemory(), cancellationToken);
    }
}

public sealed record TransferCounts
{
    public int Users { get; init; }
    public int Conversations { get; init; }
    public int Messages { get; init; }
    public int Feedback { get; init; }

    public override string ToString() =>
        $"{Users} users, {Conversations} conversations, {Messages} messages, {Feedback} feedback";
}

/// <summary>One line of an export; "type" says which.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderLine), "header")]
[JsonDerivedType(typeof(UserLine), "user")]
[JsonDerivedType(typeof(ConversationLine), "conversation")]
[JsonDerivedType(typeof(MessageLine), "message")]
[JsonDerivedType(typeof(FeedbackLine), "feedback")]
internal abstract record TransferLine;

internal sealed record HeaderLine(string Format, int Version) : TransferLine;

internal sealed record UserLine(UserProfile User) : TransferLine;

internal sealed record ConversationLine(Conversation Conversation) : TransferLine;

internal sealed record MessageLine(StoredMessage Message) : TransferLine;

internal sealed record FeedbackLine(MessageFeedback Feedback) : TransferLine;
