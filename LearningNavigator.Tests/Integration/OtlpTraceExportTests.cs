using System.Diagnostics;
using System.Net;
using LearningNavigator.Observability;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace LearningNavigator.Tests.Integration;

/// <summary>
/// The app's tracing set-up (AddNavigatorObservability) run in a real Kestrel host against a loopback OTLP/HTTP
/// receiver, read back from the protobuf on the wire: a request's server span, the product's own span inside it and
/// the outbound HttpClient call all leave in one trace, and health probes leave nothing. Other tests in the process
/// start spans on the same global sources, so everything here is picked out by this host's port and trace id.
/// </summary>
public sealed class OtlpTraceExportTests
{
    private const string TracedPath = "/traced";
    private const string ProductSpan = "otlp-trace-test.call-out";
    private const ulong KindInternal = 1;
    private const ulong KindServer = 2;
    private const ulong KindClient = 3;

    [Fact]
    public async Task A_request_that_calls_out_exports_its_server_span_the_product_span_and_the_client_span_in_one_trace()
    {
        var run = await RunAsync(TracedPath);

        var server = Assert.Single(run.ServerSpans, s => s.Attribute("url.path") == TracedPath);
        Assert.Equal("Microsoft.AspNetCore", server.Scope);

        var trace = run.Spans.Where(s => s.TraceId == server.TraceId).ToList();
        var product = Assert.Single(trace, s => s.Name == ProductSpan);
        Assert.Equal(NavigatorTelemetry.ActivitySourceName, product.Scope);
        Assert.Equal(KindInternal, product.Kind);
        Assert.Equal(server.SpanId, product.ParentSpanId);

        var client = Assert.Single(trace, s => s.Kind == KindClient && s.ParentSpanId == product.SpanId);
        Assert.Equal("System.Net.Http", client.Scope);
        Assert.Equal($"{run.ReceiverUrl}/ping", client.Attribute("url.full"));
        Assert.Equal("200", client.Attribute("http.response.status_code"));
    }

    [Fact]
    public async Task Health_probes_and_the_metrics_scrape_produce_no_span_while_an_ordinary_request_does()
    {
        var run = await RunAsync(ObservabilityEndpoints.LivePath, "/health/anything", "/metrics", TracedPath);

        // The ordinary request, sent last, is the control: the same run did export server spans.
        Assert.Equal([TracedPath], run.ServerSpans.Select(s => s.Attribute("url.path")));
    }

    /// <summary>
    /// Starts the receiver and a minimal app with the product's observability, requests <paramref name="paths"/> in
    /// order, then stops the app (so every request, and so every server span, has ended) and flushes the traces.
    /// </summary>
    private static async Task<ExportedRun> RunAsync(params string[] paths)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // Empty: no appsettings or OTEL_* environment variables of the machine running the tests leak in.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telemetry:Otlp:Endpoint"] = receiver.BaseUrl,
            ["Telemetry:Otlp:Protocol"] = "HttpProtobuf",
        });
        builder.Services.AddNavigatorObservability(builder.Configuration);
        var app = builder.Build();
        string appUrl;
        try
        {
            app.MapNavigatorObservability();
            app.MapGet(TracedPath, async (IHttpClientFactory clients, CancellationToken cancellationToken) =>
            {
                using var span = NavigatorTelemetry.ActivitySource.StartActivity(ProductSpan);
                using var client = clients.CreateClient();
                using var response = await client.GetAsync(new Uri($"{receiver.BaseUrl}/ping"), cancellationToken);
                return response.StatusCode.ToString();
            });
            await app.StartAsync();
            appUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

            // No trace context is sent, so the server span is a root the app's own sampler decides on, whatever other
            // listeners in the test process do with this client's span.
            using (var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() }))
            {
                foreach (var path in paths)
                {
                    // Status codes do not matter here (/metrics is not mapped): only whether a span leaves.
                    (await http.GetAsync(new Uri(appUrl + path))).Dispose();
                }
            }

            // Kestrel's graceful stop waits for each request to finish, span included, before it returns.
            await app.StopAsync();
            Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000), "The OTLP trace export did not complete.");
        }
        finally
        {
            // ForceFlush may return once the batch has been taken for export, before its POST has reached the receiver
            // (seen on a cold first run). Disposing the provider shuts the batch processor down, which waits for the
            // export thread to finish, so everything sent is in the receiver after this.
            await app.DisposeAsync();
        }

        Assert.NotEmpty(receiver.TraceRequests);
        var spans = receiver.TraceRequests.SelectMany(ExportedSpan.Parse).ToList();
        var port = new Uri(appUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var serverSpans = spans.Where(s => s.Kind == KindServer && s.Attribute("server.port") == port).ToList();
        return new ExportedRun(spans, serverSpans, receiver.BaseUrl);
    }

    private sealed record ExportedRun(List<ExportedSpan> Spans, List<ExportedSpan> ServerSpans, string ReceiverUrl);

    private sealed record ExportedSpan(
        string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, ulong Kind, Dictionary<string, string> Attributes)
    {
        public string? Attribute(string key) => Attributes.GetValueOrDefault(key);

        /// <summary>
        /// The spans in an ExportTraceServiceRequest (opentelemetry/proto/trace/v1/trace.proto): resource_spans = 1 →
        /// scope_spans = 2 → scope = 1 {name = 1} and spans = 2 {trace_id = 1, span_id = 2, parent_span_id = 4,
        /// name = 5, kind = 6, attributes = 9}.
        /// </summary>
        public static IEnumerable<ExportedSpan> Parse(byte[] request)
        {
            foreach (var resource in ProtobufFields.Messages(request, 1))
            {
                foreach (var scopeSpans in ProtobufFields.Messages(resource, 2))
                {
                    var scope = ProtobufFields.Messages(scopeSpans, 1).Select(s => ProtobufFields.Read(s).String(1)).SingleOrDefault() ?? string.Empty;
                    foreach (var span in ProtobufFields.Messages(scopeSpans, 2))
                    {
                        var fields = ProtobufFields.Read(span);
                        yield return new ExportedSpan(
                            scope,
                            fields.Hex(1),
                            fields.Hex(2),
                            fields.Hex(4),
                            fields.String(5) ?? string.Empty,
                            fields.FirstOrDefault(f => f.Number == 6)?.Varint ?? 0,
                            fields.Where(f => f.Number == 9).Select(f => Attribute(f.Bytes)).ToDictionary(a => a.Key, a => a.Value));
                    }
                }
            }
        }

        /// <summary>A KeyValue {key = 1, value = 2: AnyValue {string_value = 1, bool_value = 2, int_value = 3}} as text.</summary>
        private static KeyValuePair<string, string> Attribute(byte[] keyValue)
        {
            var fields = ProtobufFields.Read(keyValue);
            var value = ProtobufFields.Read(fields.Single(f => f.Number == 2).Bytes).FirstOrDefault();
            var text = value switch
            {
                { Number: 1 } => System.Text.Encoding.UTF8.GetString(value.Bytes),
                { Number: 2 } => (value.Varint != 0).ToString(),
                { Number: 3 } => ((long)value.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => string.Empty,
            };
            return new(fields.String(1)!, text);
        }
    }
}
