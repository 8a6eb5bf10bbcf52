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

/// <summary>A request as the fake received it, after its signature was checked.</summary>
public sealed record ReceivedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// Kestrel on 127.0.0.1 with a random port. Every request's SigV4 signature is verified against the test
/// credentials before the fake's handler sees it; a bad one gets AWS's 403 answer.
/// </summary>
public abstract class LoopbackAwsServer : IAsyncDisposable
{
    private readonly WebApplication app;

    protected LoopbackAwsServer(string signingService, bool isS3 = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.ToArray();
            var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var problem = SigV4Verifier.Verify(context.Request, body, signingService, isS3);
            SignatureChecks.Enqueue(problem ?? "ok");
            if (problem is not null)
            {
                await RejectSignatureAsync(context, problem);
                return;
            }

            var received = new ReceivedRequest(context.Request.Method, rawTarget, headers, body);
            Requests.Enqueue(received);
            await HandleAsync(context, received);
        });
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public Uri BaseUrl { get; }

    /// <summary>Requests that passed the signature check, in arrival order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>"ok" or the reason, for every request that arrived.</summary>
    public ConcurrentQueue<string> SignatureChecks { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract Task HandleAsync(HttpContext context, ReceivedRequest request);

    protected virtual Task RejectSignatureAsync(HttpContext context, string problem) =>
        JsonErrorAsync(context, StatusCodes.Status403Forbidden, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");

    /// <summary>An AWS JSON-protocol error: status, x-amzn-ErrorType and {"message": …}.</summary>
    public static async Task JsonErrorAsync(HttpContext context, int status, string errorType, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-amzn-ErrorType"] = errorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsJsonAsync(new { message });
    }
}
