using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LearningNavigator.Cli.Load;

/// <summary>
/// Each simulated user is an integration holding a personal API key: it opens a conversation through the HTTP
/// API and reads every answer as server-sent events, as a learning-management system would.
/// </summary>
public sealed class ApiLoadDriver(Uri baseAddress, Func<int, CancellationToken, Task<string>> apiKeyOf) : ILoadDriver, IDisposable
{
    // One connection pool for every user, as a real integration server would have; HTTP/1.1 opens a connection
    // per concurrent stream, so the pool must not cap them.
    private readonly HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = baseAddress,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public string Name => "api";

    public async Task<ILoadUser> ConnectAsync(int index, CancellationToken cancellationToken)
    {
        var key = new AuthenticationHeaderValue("Bearer", await apiKeyOf(index, cancellationToken));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/conversations") { Content = JsonContent.Create(new { title = $"Load user {index}" }) };
        request.Headers.Authorization = key;
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var conversation = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return new User(http, key, conversation.GetProperty("id").GetString()!);
    }

    public void Dispose() => http.Dispose();

    private sealed class User(HttpClient http, AuthenticationHeaderValue key, string conversationId) : ILoadUser
    {
        public async Task AskAsync(string question, AnswerTiming timing, CancellationToken cancellationToken)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{conversationId}/messages")
                {
                    Content = JsonContent.Create(new { text = question }),
                };
                request.Headers.Authorization = key;
                timing.MarkSent();
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    timing.Fail($"HTTP {(int)response.StatusCode}");
                    return;
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
                {
                    switch (item.EventType)
                    {
                        case "delta" or "crisis":
                            timing.Token();
                            break;
                        case "usage":
                            if (JsonNode.Parse(item.Data) is { } usage && usage["timings"] is { } server)
                            {
                                timing.ServerMeasured(
                                    server["retrievalMs"]!.GetValue<double>(),
                                    server["modelFirstTokenMs"]?.GetValue<double>(),
                                    usage["requestFirstTokenMs"]?.GetValue<double>());
                            }

                            break;
                        case "error":
                            timing.Fail(item.Data);
                            return;
                        case "done":
                            timing.Complete();
                            return;
                    }
                }

                timing.Fail("the stream ended without a done event");
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException)
            {
                timing.Fail(exception.GetType().Name);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
