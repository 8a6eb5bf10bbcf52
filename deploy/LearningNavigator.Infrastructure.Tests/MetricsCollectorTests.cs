using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LearningNavigator.Infrastructure.Tests;

/// <summary>
/// The slow-answer alarm can only fire if something publishes what it reads: the collector sidecar must write
/// the very metric name, namespace and (empty) dimension set the alarm queries, as a distribution CloudWatch can
/// take a p95 of, and the app must send it there.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MetricsCollectorTests(SynthesizedStack stack)
{
    private JsonArray Containers => stack.Resources("AWS::ECS::TaskDefinition").Single().Value!["Properties"]!["ContainerDefinitions"]!.AsArray();

    private JsonNode Collector => Assert.Single(Containers, c => (string?)c!["Name"] == "otel-collector")!;

    private JsonNode App => Assert.Single(Containers, c => c!["PortMappings"] is not null)!;

    private JsonNode Config => JsonNode.Parse(Environment(Collector)["AOT_CONFIG_CONTENT"])!;

    private JsonNode SlowAnswersMetric
    {
        get
        {
            var alarm = Assert.Single(stack.Resources("AWS::CloudWatch::Alarm"), a => SynthesizedStack.Compact(a.Value).Contains("\"Stat\":\"p95\"", StringComparison.Ordinal)).Value!;
            return Assert.Single(alarm["Properties"]!["Metrics"]!.AsArray())!["MetricStat"]!;
        }
    }

    [Fact]
    public void The_collector_runs_a_pinned_adot_image_with_its_config_in_the_environment()
    {
        Assert.Equal(2, Containers.Count);
        Assert.Matches(@"^public\.ecr\.aws/aws-observability/aws-otel-collector:v\d+\.\d+\.\d+$", (string?)Collector["Image"]);
        Assert.True((bool?)Collector["Essential"]);
        Assert.True((bool?)Collector["ReadonlyRootFilesystem"]);
        Assert.Null(Collector["PortMappings"]);

        var config = Config;
        Assert.Equal("127.0.0.1:4318", (string?)config["receivers"]!["otlp"]!["protocols"]!["http"]!["endpoint"]);
        var pipeline = config["service"]!["pipelines"]!["metrics"]!;
        Assert.Equal("""["otlp"]""", SynthesizedStack.Compact(pipeline["receivers"]));
        Assert.Equal("""["awsemf"]""", SynthesizedStack.Compact(pipeline["exporters"]));
        Assert.Equal(SynthesizedStack.Region, (string?)config["exporters"]!["awsemf"]!["region"]);
    }

    [Fact]
    public void Awsemf_publishes_the_alarm_metric_in_its_namespace_without_dimensions()
    {
        var awsemf = Config["exporters"]!["awsemf"]!;
        var alarmMetric = SlowAnswersMetric["Metric"]!;
        var alarmName = (string)alarmMetric["MetricName"]!;

        Assert.Equal(Monitoring.AppNamespace, (string?)awsemf["namespace"]);
        Assert.Equal((string?)alarmMetric["Namespace"], (string?)awsemf["namespace"]);
        // No rollups: without them and with only the empty dimension set, every data point lands in one series
        // that has no dimensions at all, not even awsemf's OTelLib; the alarm queries exactly that series.
        Assert.Equal("NoDimensionRollup", (string?)awsemf["dimension_rollup_option"]);
        Assert.Null(alarmMetric["Dimensions"]);
        var declaration = Assert.Single(awsemf["metric_declarations"]!.AsArray())!;
        Assert.Equal("[[]]", SynthesizedStack.Compact(declaration["dimensions"]));
        var selectors = declaration["metric_name_selectors"]!.AsArray().Select(s => new Regex((string)s!)).ToList();
        Assert.Contains(selectors, s => s.IsMatch(alarmName));
        Assert.All(Monitoring.AppMetrics, name => Assert.Contains(selectors, s => s.IsMatch(name)));
        // Anchored: a selector for one metric must not also publish its neighbours (each one is billed).
        Assert.DoesNotContain(selectors, s => s.IsMatch(alarmName + "_other") || s.IsMatch("x" + alarmName));
    }

    [Fact]
    public void The_alarm_reads_seconds_as_the_instrument_records_them_with_no_unit_filter()
    {
        // navigator.answer.duration has unit "s"; awsemf writes it as Seconds. An alarm without a unit matches it.
        Assert.Equal(Monitoring.AnswerDurationMetric, (string?)SlowAnswersMetric["Metric"]!["MetricName"]);
        Assert.Null(SlowAnswersMetric["Unit"]);
        Assert.Equal("p95", (string?)SlowAnswersMetric["Stat"]);
    }

    [Fact]
    public void Awsemf_writes_to_the_stacks_own_log_group_which_expires()
    {
        var group = stack.Resources("AWS::Logs::LogGroup").Single(g => g.Key.StartsWith("WebMetricsLogs", StringComparison.Ordinal)).Value!["Properties"]!;

        Assert.Equal((string?)group["LogGroupName"], (string?)Config["exporters"]!["awsemf"]!["log_group_name"]);
        Assert.Equal(30, (int?)group["RetentionInDays"]);
    }

    [Fact]
    public void The_app_exports_delta_exponential_histograms_to_the_collector_and_starts_after_it()
    {
        var environment = Environment(App);

        Assert.Equal("http://127.0.0.1:4318", environment["Telemetry__Otlp__Endpoint"]);
        Assert.Equal("HttpProtobuf", environment["Telemetry__Otlp__Protocol"]);
        Assert.Equal("delta", environment["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"]);
        Assert.Equal("base2_exponential_bucket_histogram", environment["OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"]);
        Assert.EndsWith(":4318", (string?)Config["receivers"]!["otlp"]!["protocols"]!["http"]!["endpoint"], StringComparison.Ordinal);
        Assert.Equal("""[{"Condition":"START","ContainerName":"otel-collector"}]""", SynthesizedStack.Compact(App["DependsOn"]));
        // The collector's own complaints (a rejected config, denied PutLogEvents) end up beside the app's logs.
        Assert.Equal("awslogs", (string?)Collector["LogConfiguration"]!["LogDriver"]);
    }

    private static Dictionary<string, string> Environment(JsonNode container) =>
        container["Environment"]!.AsArray().ToDictionary(e => (string)e!["Name"]!, e => e!["Value"] is JsonValue v ? (string)v! : SynthesizedStack.Compact(e["Value"]));
}
