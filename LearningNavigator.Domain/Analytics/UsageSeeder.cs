using LearningNavigator.Conversations;

namespace LearningNavigator.Analytics;

/// <summary>
/// Writes a realistic synthetic history (people, conversations of a few questions each, answers with latency,
/// tokens, cost, citations, some low-confidence, some rated) through the store's bulk path, for the dashboard's
/// benchmark and demos. Deterministic for a given seed; ids start with <c>seed-</c>.
/// </summary>
public sealed class UsageSeeder(IUsageStore store, TimeProvider time)
{
    private const int ConversationsPerBatch = 2000;

    private static readonly string[] English =
    [
        "How do I submit an invoice for a course I taught?", "When is the invoice deadline after a course?",
        "How do I schedule a new Mental Health First Aid course?", "Can I reschedule a course that is already booked?",
        "Where do I order participant manuals?", "How many participants can attend one course?",
        "What do I do if a participant is in crisis during the course?", "How do I get reimbursed for travel?",
        "Where can I find the instructor slides?", "How do I report attendance after a course?",
        "What is the refund policy for cancelled courses?", "How do I renew my instructor certification?",
    ];

    private static readonly string[] Spanish =
    [
        "¿Cómo envío la factura de un curso?", "¿Cuándo vence la factura después del curso?",
        "¿Cómo programo un nuevo curso de Primeros Auxilios en Salud Mental?", "¿Dónde pido los manuales para participantes?",
        "¿Qué hago si un participante está en crisis durante el curso?", "¿Cómo renuevo mi certificación de instructor?",
    ];

    private static readonly string[] Openers = ["", "", "", "Hi, ", "Quick question: ", "Please, "];

    public sealed record Result(int Users, int Conversations, int Messages, int Ratings);

    public async Task<Result> SeedAsync(int messages, int days, int users, IReadOnlyList<string> documentIds, int seed, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messages, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(users);
        var random = new Random(seed);
        var documents = documentIds.Count > 0 ? documentIds : [.. Enumerable.Range(1, 12).Select(i => $"seed-doc-{i}")];
        var end = time.GetUtcNow();
        var start = end.AddDays(-days);
        var written = 0;
        var conversationCount = 0;
        var ratings = 0;
        var batch = new List<Conversation>();
        var batchMessages = new List<StoredMessage>();
        var batchFeedback = new List<MessageFeedback>();

        while (written < messages)
        {
            var userNumber = random.Next(users);
            var userId = $"seed-user-{userNumber}";
            var role = (userNumber % 20) switch { < 14 => AppRoles.Instructor, < 19 => AppRoles.Staff, _ => AppRoles.Admin };
            var language = userNumber % 5 == 0 ? "es" : "en";
            var at = start.AddSeconds(random.NextDouble() * (end - start).TotalSeconds);
            var conversationId = $"seed-conv-{conversationCount++}";
            var pairs = Math.Min(1 + random.Next(5), (messages - written) / 2);
            if (pairs == 0)
            {
                break;
            }

            batch.Add(new Conversation { Id = conversationId, UserId = userId, Title = "Seeded conversation", CreatedAt = at, UpdatedAt = at });
            for (var pair = 0; pair < pairs; pair++)
            {
                var pool = language == "es" ? Spanish : English;
                var question = Openers[random.Next(Openers.Length)] + pool[random.Next(pool.Length)];
                batchMessages.Add(new StoredMessage
                {
                    Id = $"{conversationId}-q{pair}", ConversationId = conversationId, Author = MessageAuthor.User, Text = question,
                    CreatedAt = at, Language = language, Role = role,
                });
                var latency = 400 + (int)(Math.Exp(random.NextDouble() * 2.6) * 300);
                var input = 1200 + random.Next(1800);
                var output = 80 + random.Next(320);
                var cached = random.Next(3) == 0 ? input / 2 : 0;
                var low = random.Next(100) < 8;
                var cited = low ? [] : documents.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToList();
                var answerId = $"{conversationId}-a{pair}";
                batchMessages.Add(new StoredMessage
                {
                    Id = answerId, ConversationId = conversationId, Author = MessageAuthor.Assistant,
                    Text = low ? "I could not find this in the documents; would you like to ask a person?" : "Seeded answer [1].",
                    CreatedAt = at.AddMilliseconds(latency), Language = language, Role = role, Model = "seeded-model",
                    InputTokens = input, OutputTokens = output, CacheReadTokens = cached, CacheWriteTokens = 0,
                    EstimatedCostUsd = Math.Round(((input - cached) * 3m + cached * 0.3m + output * 15m) / 1_000_000m, 6),
                    LatencyMs = latency, TimeToFirstTokenMs = 120 + random.Next(Math.Max(1, latency / 3)), LowConfidence = low,
                    Safety = random.Next(400) == 0 ? SafetyFlags.Crisis : SafetyFlags.None,
                    Citations = [.. cited.Select((d, i) => new Citation { Number = i + 1, ChunkId = $"{d}#0", DocumentId = d, Title = d, PassageText = "Seeded passage." })],
                });
                if (random.Next(100) < 15)
                {
                    ratings++;
                    batchFeedback.Add(new MessageFeedback
                    {
                        MessageId = answerId, UserId = userId, CreatedAt = at.AddMinutes(1),
                        Rating = random.Next(100) < (low ? 30 : 85) ? FeedbackRating.Up : FeedbackRating.Down,
                    });
                }

                written += 2;
                at = at.AddSeconds(30 + random.Next(240));
            }

            if (batch.Count >= ConversationsPerBatch)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        return new Result(Math.Min(users, conversationCount), conversationCount, written, ratings);

        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            await store.SaveBatchAsync(new ConversationBatch([.. batch], [.. batchMessages], [.. batchFeedback]), cancellationToken);
            progress?.Report(written);
            batch.Clear();
            batchMessages.Clear();
            batchFeedback.Clear();
        }
    }
}
