using System.Globalization;
using System.Text.Json;

namespace LearningNavigator.Knowledge.Evaluation;

public sealed record BeirDocument(string Id, string Title, string Text);

public sealed record BeirQuery(string Id, string Text);

/// <summary>
/// A retrieval test collection in the BEIR layout: corpus.jsonl ({"_id","title","text"}), queries.jsonl
/// ({"_id","text"}) and graded judgements in qrels.tsv or qrels/test.tsv (query-id, corpus-id, score; header line).
/// Only queries that have at least one judgement with a score above zero are evaluated, as BEIR does.
/// </summary>
public sealed class BeirDataset
{
    public required IReadOnlyList<BeirDocument> Corpus { get; init; }
    /// <summary>The judged queries, in the order of queries.jsonl.</summary>
    public required IReadOnlyList<BeirQuery> Queries { get; init; }
    /// <summary>Query id → document id → relevance grade (positive grades only).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Qrels { get; init; }

    public static async Task<BeirDataset> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            throw new BeirFormatException($"BEIR folder '{folder}' does not exist.");
        }

        var corpusPath = Require(folder, "corpus.jsonl");
        var queriesPath = Require(folder, "queries.jsonl");
        var qrelsPath = new[] { Path.Combine(folder, "qrels.tsv"), Path.Combine(folder, "qrels", "test.tsv") }.FirstOrDefault(File.Exists)
            ?? throw new BeirFormatException($"'{folder}' has neither qrels.tsv nor qrels/test.tsv.");

        var corpus = new List<BeirDocument>();
        await foreach (var (line, element) in ReadJsonLinesAsync(corpusPath, cancellationToken))
        {
            var id = RequiredString(element, "_id", corpusPath, line);
            corpus.Add(new BeirDocument(id, OptionalString(element, "title"), OptionalString(element, "text")));
        }

        var qrels = await ReadQrelsAsync(qrelsPath, cancellationToken);
        var queries = new List<BeirQuery>();
        await foreach (var (line, element) in ReadJsonLinesAsync(queriesPath, cancellationToken))
        {
            var id = RequiredString(element, "_id", queriesPath, line);
            if (qrels.ContainsKey(id))
            {
                queries.Add(new BeirQuery(id, OptionalString(element, "text")));
            }
        }

        if (corpus.Count == 0)
        {
            throw new BeirFormatException($"'{corpusPath}' holds no documents.");
        }

        if (queries.Count == 0)
        {
            throw new BeirFormatException($"No query in '{queriesPath}' has a positive judgement in '{qrelsPath}'.");
        }

        return new BeirDataset { Corpus = corpus, Queries = queries, Qrels = qrels };
    }

    private static string Require(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new BeirFormatException($"'{folder}' has no {name}.");
    }

    private static async IAsyncEnumerable<(int Line, JsonElement Element)> ReadJsonLinesAsync(
        string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var number = 0;
        await foreach (var text in File.ReadLinesAsync(path, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonElement element;
            try
            {
                using var document = JsonDocument.Parse(text);
                element = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new BeirFormatException($"{Path.GetFileName(path)} line {number} is not valid JSON: {ex.Message}");
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new BeirFormatException($"{Path.GetFileName(path)} line {number} is not a JSON object.");
            }

            yield return (number, element);
        }
    }

    private static string RequiredString(JsonElement element, string name, string path, int line) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? value.ToString()
            : throw new BeirFormatException($"{Path.GetFileName(path)} line {line} has no \"{name}\".");

    private static string OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static async Task<Dictionary<string, IReadOnlyDictionary<string, int>>> ReadQrelsAsync(string path, CancellationToken cancellationToken)
    {
        var judged = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var number = 0;
        await foreach (var text in File.ReadLinesAsync(path, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var fields = text.Split('\t');
            if (fields.Length < 3 || !int.TryParse(fields[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var grade))
            {
                // The BEIR header ("query-id corpus-id score") is the one line allowed not to parse.
                if (number == 1)
                {
                    continue;
                }

                throw new BeirFormatException($"{Path.GetFileName(path)} line {number} is not 'query-id<TAB>corpus-id<TAB>score'.");
            }

            if (grade <= 0)
            {
                continue;
            }

            if (!judged.TryGetValue(fields[0], out var documents))
            {
                judged[fields[0]] = documents = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            documents[fields[1]] = grade;
        }

        return judged.ToDictionary(pair => pair.Key, pair => (IReadOnlyDictionary<string, int>)pair.Value, StringComparer.Ordinal);
    }
}

public sealed class BeirFormatException(string message) : Exception(message);
