using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Tests.Fakes;

/// <summary>
/// Zendesk's ticket endpoint on 127.0.0.1: checks Basic "&lt;email&gt;/token:&lt;token&gt;" auth and a JSON body the way the
/// real API does (401 without valid credentials, 422 without a ticket), and answers 201 with the created ticket.
/// </summary>
public sealed class FakeZendesk : IAsyncDisposable
{
    private readonly WebApplication app;
    private int nextTicket = 1000;

    public FakeZendesk(string email, string token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{email}/token:{token}"));
        app.MapPost("/api/v2/tickets.json", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var received = new ReceivedRequest(context.Request.Method, context.Request.Path, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), System.Text.Encoding.UTF8.GetBytes(body));
            Requests.Enqueue(received);
            if (context.Request.Headers.Authorization != expected)
            {
                return Results.Json(new { error = "Couldn't authenticate you" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true || !body.Contains("\"ticket\"", StringComparison.Ordinal))
            {
                return Results.Json(new { error = "RecordInvalid" }, statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            var id = Interlocked.Increment(ref nextTicket);
            return Results.Json(new { ticket = new { id, url = $"{BaseUrl}api/v2/tickets/{id}.json", status = "new" } }, statusCode: StatusCodes.Status201Created);
        });
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    public Uri BaseUrl { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
