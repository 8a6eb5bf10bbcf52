using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Domain.Generation;

/// <summary>
/// Drives the OpenAI-compatible client against a loopback server that speaks the real chat-completions
/// server-sent-events wire format, so a change in how the SDK is wired shows up here rather than in production.
/// </summary>
public sealed class OpenAICompatibleStreamingTests
{
    private static readonly string[] Pieces = ["Listen ", "without ", "judgement ", "[1]."];

    [Fact]
    public async Task Streams_text_from_an_openai_compatible_server()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = ServeOneStreamingRequestAsync(listener, cts.Token);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Generation:Provider"] = "OpenAICompatible",
            ["Generation:OpenAICompatible:Endpoint"] = $"http://127.0.0.1:{port}/v1",
            ["Generation:OpenAICompatible:Model"] = "local-model",
        }).Build();
        await using var provider = new ServiceCollection().AddGeneration(configuration).BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();
        var passage = new RetrievedPassage { ChunkId = "a#0", DocumentId = "a", Title = "A", Language = "en", Text = "Listen.", Score = 1 };

        var texts = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync(
            [new ChatMessage(ChatRole.User, "How should I listen?")],
            new ChatOptions().WithPassages([passage]),
            cts.Token))
        {
            if (!string.IsNullOrEmpty(update.Text))
            {
                texts.Add(update.Text);
            }
        }

        var request = await server;
        Assert.Equal(Pieces, texts);
        Assert.StartsWith("POST /v1/chat/completions ", request.RequestLine, StringComparison.Ordinal);
        Assert.Equal("Bearer unused", request.Authorization);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("local-model", body.RootElement.GetProperty("model").GetString());
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        Assert.Contains("How should I listen?", body.RootElement.GetProperty("messages")[0].GetRawText(), StringComparison.Ordinal);
        // Passages ride in ChatOptions for the extractive client only; they must not leak onto the wire.
        Assert.DoesNotContain(GroundingContext.PassagesKey, request.Body, StringComparison.Ordinal);
    }

    private sealed record ReceivedRequest(string RequestLine, string? Authorization, string Body);

    private static async Task<ReceivedRequest> ServeOneStreamingRequestAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        using var socket = await listener.AcceptTcpClientAsync(cancellationToken);
        var stream = socket.GetStream();

        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, cancellationToken) == 0)
            {
                throw new InvalidOperationException("Client closed before sending headers.");
            }

            head.Append((char)buffer[0]);
        }

        var lines = head.ToString().Split("\r\n");
        string? Header(string name) => lines
            .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim())
            .FirstOrDefault();

        var body = new byte[int.Parse(Header("Content-Length") ?? "0", System.Globalization.CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(body, cancellationToken);

        var response = new StringBuilder()
            .Append("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n");
        var first = true;
        foreach (var piece in Pieces)
        {
            var delta = first ? new { role = "assistant", content = piece } : (object)new { content = piece };
            first = false;
            response.Append("data: ").Append(Chunk(delta, finishReason: null)).Append("\n\n");
        }

        response.Append("data: ").Append(Chunk(new { }, "stop")).Append("\n\n");
        response.Append("data: [DONE]\n\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(response.ToString()), cancellationToken);
        await stream.FlushAsync(cancellationToken);

        return new ReceivedRequest(lines[0], Header("Authorization"), Encoding.UTF8.GetString(body));
    }

    private static string Chunk(object delta, string? finishReason) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-loopback",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "local-model",
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    });
}
