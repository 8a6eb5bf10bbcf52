using LearningNavigator.Observability;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace LearningNavigator.Tests.Integration;

/// <summary>
/// In AWS the collector's awsemf exporter turns the app's OTLP metrics into CloudWatch metrics, and CloudWatch can
/// take the p95 the latency alarm watches only from a distribution: awsemf writes one for exponential histograms
/// alone, and passes histogram counts through as they come, so they must be deltas. The deployment asks for both
/// with the SDK's own OTLP-reader settings (deploy/LearningNavigator.Infrastructure/MetricsCollector.cs), which leave
/// the Prometheus scrape's explicit buckets alone. This checks, on the wire, that the app's export honours them.
/// </summary>
public sealed class OtlpMetricsExportTests
{
    private const int MetricHistogram = 9;
    private const int MetricExponentialHistogram = 10;
    private const int MetricSum = 7;
    private const ulong Delta = 1;
    private const ulong Cumulative = 2;

    /// <summary>The keys MetricsCollector.AppEnvironment sets on the app container (endpoint aside).</summary>
    private static readonly Dictionary<string, string?> DeploymentSettings = new()
    {
        ["Telemetry:Otlp:Protocol"] = "HttpProtobuf",
        ["Telemetry:Otlp:Signals"] = "Metrics",
        ["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"] = "delta",
        ["OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"] = "base2_exponential_bucket_histogram",
    };

    [Fact]
    public async Task With_the_deployment_settings_answer_latencies_leave_as_delta_exponential_histograms()
    {
        var (exported, traceRequests) = await ExportOneAnswerAsync(DeploymentSettings);

        Assert.Equal((MetricExponentialHistogram, Delta), Assert.Single(exported[NavigatorMetrics.AnswerDuration].Distinct()));
        Assert.Equal((MetricExponentialHistogram, Delta), Assert.Single(exported[NavigatorMetrics.TimeToFirstToken].Distinct()));
        Assert.Equal((MetricSum, Delta), Assert.Single(exported[NavigatorMetrics.Answers].Distinct()));
        Assert.Equal((MetricSum, Delta), Assert.Single(exported[NavigatorMetrics.Tokens].Distinct()));
        // The sidecar has no traces pipeline: the answer's span is not sent to be refused.
        Assert.Equal(0, traceRequests);
    }

    [Fact]
    public async Task Without_them_the_export_is_cumulative_explicit_buckets_which_cloudwatch_cannot_take_a_p95_of()
    {
        // The control: it is the two reader settings, not some other default, that make the difference above.
        var (exported, traceRequests) = await ExportOneAnswerAsync(new Dictionary<string, string?> { ["Telemetry:Otlp:Protocol"] = "HttpProtobuf" });

        Assert.Equal((MetricHistogram, Cumulative), Assert.Single(exported[NavigatorMetrics.AnswerDuration].Distinct()));
        // With every signal on (the default), the same span does reach the endpoint.
        Assert.True(traceRequests > 0, "The default export sent no traces.");
    }

    /// <summary>Runs the app's telemetry set-up against a loopback OTLP receiver and records one answer.</summary>
    /// <returns>Per metric name, the (data kind, temporality) of every exported occurrence.</returns>
    private static async Task<(Dictionary<string, List<(int Kind, ulong Temporality)>> Metrics, int TraceRequests)> ExportOneAnswerAsync(Dictionary<string, string?> settings)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // Empty: no appsettings or environment variables of the machine running the tests leak in.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:Otlp:Endpoint"] = receiver.BaseUrl });
        builder.Services.AddNavigatorObservability(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        try
        {
            using (NavigatorTelemetry.ActivitySource.StartActivity(NavigatorTelemetry.AnswerSpan))
            {
                host.Services.GetRequiredService<NavigatorMetrics>().AnswerFinished(
                    "instructor", "completed", lowConfidence: false, "model", TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.4), 10, 20);
            }

            // The result is false whatever OTLP does: the Prometheus reader, registered too, only exports when scraped.
            _ = host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
            _ = OpenTelemetry.Trace.TracerProviderExtensions.ForceFlush(host.Services.GetRequiredService<OpenTelemetry.Trace.TracerProvider>(), 10_000);
        }
        finally
        {
            await host.StopAsync();
            // Disposing the providers sends what a flush may have left in flight; only then is the receiver complete.
            host.Dispose();
        }

        Assert.NotEmpty(receiver.MetricRequests);
        var exported = new Dictionary<string, List<(int, ulong)>>();
        foreach (var body in receiver.MetricRequests)
        {
            foreach (var (name, kind, temporality) in OtlpMetrics(body))
            {
                if (!exported.TryGetValue(name, out var seen))
                {
                    exported[name] = seen = [];
                }

                seen.Add((kind, temporality));
            }
        }

        return (exported, receiver.TraceRequests.Count);
    }

    /// <summary>
    /// The metrics in an ExportMetricsServiceRequest (opentelemetry/proto/metrics/v1/metrics.proto): resource_metrics = 1
    /// → scope_metrics = 2 → metrics = 2 with name = 1 and the data as sum = 7, histogram = 9 or exponential_histogram = 10,
    /// each carrying aggregation_temporality = 2 (1 delta, 2 cumulative).
    /// </summary>
    private static IEnumerable<(string Name, int Kind, ulong Temporality)> OtlpMetrics(byte[] request)
    {
        foreach (var resource in ProtobufFields.Messages(request, 1))
        {
            foreach (var scope in ProtobufFields.Messages(resource, 2))
            {
                foreach (var metric in ProtobufFields.Messages(scope, 2))
                {
                    var fields = ProtobufFields.Read(metric);
                    var name = fields.String(1)!;
                    var data = fields.SingleOrDefault(f => f.Number is MetricSum or MetricHistogram or MetricExponentialHistogram);
                    if (data is null)
                    {
                        continue;
                    }

                    var temporality = ProtobufFields.Read(data.Bytes).SingleOrDefault(f => f.Number == 2)?.Varint ?? 0;
                    yield return (name, data.Number, temporality);
                }
            }
        }
    }
}
