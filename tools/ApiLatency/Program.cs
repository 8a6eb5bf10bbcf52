// Time before the first token through the HTTP API, as a client sees it on loopback.
// Usage: dotnet run --project tools/ApiLatency -c Release -- <base-url> <api-key> [answers=50]
// Each answer is asked in a new conversation, one at a time, so the figures are the app's own cost per question
// (authentication, validation, rate limit, question stored, guardrails, retrieval, prompt, first token, SSE),
// not queueing. docs/benchmarks.md records the figures and how the app was started.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ApiLatency <base-url> <api-key> [answers=50]");
    return 2;
}

var answers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
using var http = new HttpClient { BaseAddress = new Uri(args[0]) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", args[1]);
string[] questions =
[
    "What are the steps of the ALGEE action plan?",
    "How do I submit an invoice after teaching a course?",
    "How many participants can attend an in-person course?",
    "What should I do if a participant becomes distressed during a session?",
];

var clientFirstToken = new List<double>();
var serverFirstToken = new List<double>();
for (var i = 0; i <= answers; i++)
{
    using var created = await http.PostAsJsonAsync("/api/v1/conversations", new { title = "latency" });
    created.EnsureSuccessStatusCode();
    var conversationId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

    var started = Stopwatch.GetTimestamp();
    using var response = await http.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = questions[i % questions.Length] }, CancellationToken.None);
    response.EnsureSuccessStatusCode();
    await using var body = await response.Content.ReadAsStreamAsync();
    double? first = null;
    await foreach (var item in SseParser.Create(body).EnumerateAsync())
    {
        if (first is null && item.EventType is "delta" or "crisis")
        {
            first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        else if (item.EventType == "usage" && i > 0
            && JsonDocument.Parse(item.Data).RootElement.GetProperty("timeToFirstTokenMs") is { ValueKind: JsonValueKind.Number } server)
        {
            serverFirstToken.Add(server.GetDouble());
        }
    }

    // The first answer pays for JIT and cold caches; it is reported on its own.
    if (i == 0)
    {
        Console.WriteLine($"first answer of the run: {first:F1} ms to first token");
    }
    else if (first is { } ms)
    {
        clientFirstToken.Add(ms);
    }
}

Console.WriteLine($"answers measured: {clientFirstToken.Count}");
Report("client-observed time to first token (HTTP API, loopback)", clientFirstToken);
Report("pipeline time to first token (usage.timeToFirstTokenMs: after the question is stored)", serverFirstToken);
return 0;

static void Report(string what, List<double> values)
{
    if (values.Count == 0)
    {
        return;
    }

    values.Sort();
    double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
    Console.WriteLine(FormattableString.Invariant($"{what}: p50 {At(0.50):F1} ms, p95 {At(0.95):F1} ms, max {values[^1]:F1} ms"));
}
