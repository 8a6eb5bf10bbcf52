using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace LearningNavigator.Infrastructure;

/// <summary>
/// The AWS Distro for OpenTelemetry collector as a sidecar in the app's task: it receives the app's OTLP export on
/// localhost and its <c>awsemf</c> exporter writes the answer metrics as CloudWatch embedded-metric-format log
/// events into <see cref="LogGroup"/>, from which CloudWatch extracts the metrics the dashboard and the
/// slow-answer alarm read (docs/operations.md, "How answer metrics reach CloudWatch").
/// </summary>
public sealed class MetricsCollector : Construct
{
    /// <summary>Pinned so a collector release cannot change what the alarm sees without a reviewed deploy.</summary>
    public const string Image = "public.ecr.aws/aws-observability/aws-otel-collector:v0.47.0";
    public const string ContainerName = "otel-collector";

    /// <summary>
    /// OTLP over HTTP on loopback: the task's containers share one network namespace, nothing else can reach it. The
    /// address, not "localhost", because the collector listens on IPv4 and localhost may resolve to ::1 first.
    /// </summary>
    public const string OtlpEndpoint = "http://127.0.0.1:4318";

    /// <summary>
    /// The app's OTLP metrics reader settings, in the SDK's own environment variables, so they apply to the exported
    /// stream only and the Prometheus scrape keeps cumulative, explicit-bucket histograms. awsemf sends a histogram's
    /// count, sum and buckets as they arrive (it converts only counters to deltas), so they must be deltas; and it
    /// writes distributions (Values/Counts) only for exponential histograms, explicit buckets become a statistic set
    /// from which CloudWatch cannot compute p95.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> AppEnvironment = new Dictionary<string, string>
    {
        ["Telemetry__Otlp__Endpoint"] = OtlpEndpoint,
        ["Telemetry__Otlp__Protocol"] = "HttpProtobuf",
        // The collector has a metrics pipeline only; traces and logs sent to it would be refused on every export.
        ["Telemetry__Otlp__Signals"] = "Metrics",
        ["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"] = "delta",
        ["OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"] = "base2_exponential_bucket_histogram",
    };

    public MetricsCollector(Construct scope, string id, FargateTaskDefinition task, ContainerDefinition app, ILogGroup containerLogs) : base(scope, id)
    {
        var stack = Stack.Of(this);
        LogGroupName = $"/ecs/{stack.StackName}/metrics";
        // The stack owns the group (and its retention), so the collector never needs logs:CreateLogGroup.
        LogGroup = new LogGroup(this, "Logs", new LogGroupProps
        {
            LogGroupName = LogGroupName,
            Retention = RetentionDays.ONE_MONTH,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        Config = BuildConfig(stack.Region, LogGroupName);

        Container = task.AddContainer(ContainerName, new ContainerDefinitionOptions
        {
            Image = ContainerImage.FromRegistry(Image),
            // Essential: a collector that cannot start (a bad config) fails the deploy and rolls it back, and one
            // that dies restarts the task, instead of the latency alarm silently seeing no data.
            Essential = true,
            ReadonlyRootFilesystem = true,
            Environment = new Dictionary<string, string> { ["AOT_CONFIG_CONTENT"] = Config },
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = containerLogs, StreamPrefix = ContainerName }),
        });

        foreach (var (key, value) in AppEnvironment)
        {
            app.AddEnvironment(key, value);
        }

        // The app exports from its first request on; the collector must already be listening.
        app.AddContainerDependencies(new ContainerDependency { Container = Container, Condition = ContainerDependencyCondition.START });
    }

    public string LogGroupName { get; }

    public LogGroup LogGroup { get; }

    public ContainerDefinition Container { get; }

    /// <summary>The collector configuration (JSON, which the collector reads as YAML) handed over in <c>AOT_CONFIG_CONTENT</c>.</summary>
    public string Config { get; }

    /// <summary>
    /// One pipeline: OTLP in, awsemf out. Only the metrics the dashboard and alarms read are published, each once,
    /// without dimensions: awsemf would otherwise add its <c>OTelLib</c> dimension and roll up every attribute
    /// (role, outcome, model) into metrics the alarm does not query, each one billed. The attributes stay in the
    /// log events, so Logs Insights can still split answers by role or outcome.
    /// </summary>
    internal static string BuildConfig(string region, string logGroupName)
    {
        var config = new Dictionary<string, object>
        {
            ["receivers"] = new Dictionary<string, object>
            {
                ["otlp"] = new { protocols = new { http = new { endpoint = "127.0.0.1:4318" } } },
            },
            ["processors"] = new Dictionary<string, object>
            {
                // Finds the task id for the log stream name from the task metadata endpoint.
                ["resourcedetection"] = new { detectors = new[] { "ecs" } },
                ["batch"] = new { },
            },
            ["exporters"] = new Dictionary<string, object>
            {
                ["awsemf"] = new Dictionary<string, object>
                {
                    ["region"] = region,
                    ["namespace"] = Monitoring.AppNamespace,
                    ["log_group_name"] = logGroupName,
                    ["log_stream_name"] = "{TaskId}",
                    ["dimension_rollup_option"] = "NoDimensionRollup",
                    ["metric_declarations"] = new object[]
                    {
                        new Dictionary<string, object>
                        {
                            ["dimensions"] = new[] { Array.Empty<string>() },
                            ["metric_name_selectors"] = Monitoring.AppMetrics.Select(name => $"^{Regex.Escape(name)}$").ToArray(),
                        },
                    },
                },
            },
            ["service"] = new
            {
                pipelines = new Dictionary<string, object>
                {
                    ["metrics"] = new { receivers = new[] { "otlp" }, processors = new[] { "resourcedetection", "batch" }, exporters = new[] { "awsemf" } },
                },
            },
        };
        return JsonSerializer.Serialize(config);
    }
}
