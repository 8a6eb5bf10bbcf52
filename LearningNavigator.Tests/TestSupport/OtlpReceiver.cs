using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Tests.TestSupport;

/// <summary>
/// An OTLP/HTTP endpoint on 127.0.0.1 that keeps every metrics and traces request body and answers 200 to anything
/// else (logs, and plain requests a test sends it as an outbound call).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private OtlpReceiver(WebApplication app, string baseUrl, ConcurrentQueue<byte[]> metricRequests, ConcurrentQueue<byte[]> traceRequests)
    {
        this.app = app;
        BaseUrl = baseUrl;
        MetricRequests = metricRequests;
        TraceRequests = traceRequests;
    }

    /// <summary>Scheme, host and port, without a trailing slash: the exporter appends /v1/traces and the like.</summary>
    public string BaseUrl { get; }

    /// <summary>Bodies posted to /v1/metrics: ExportMetricsServiceRequest messages.</summary>
    public ConcurrentQueue<byte[]> MetricRequests { get; }

    /// <summary>Bodies posted to /v1/traces: ExportTraceServiceRequest messages.</summary>
    public ConcurrentQueue<byte[]> TraceRequests { get; }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var metricRequests = new ConcurrentQueue<byte[]>();
        var traceRequests = new ConcurrentQueue<byte[]>();
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            if (context.Request.Path == "/v1/metrics")
            {
                metricRequests.Enqueue(body.ToArray());
            }
            else if (context.Request.Path == "/v1/traces")
            {
                traceRequests.Enqueue(body.ToArray());
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OtlpReceiver(app, address.TrimEnd('/'), metricRequests, traceRequests);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
