using System.ComponentModel.DataAnnotations;
using OpenTelemetry.Exporter;

namespace LearningNavigator.Web.Observability;

/// <summary>Where traces, metrics and logs go (section "Telemetry"). Nothing is exported unless configured.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The service.name resource attribute every signal carries.</summary>
    [Required]
    public string ServiceName { get; set; } = "learning-navigator";

    public OtlpTelemetryOptions Otlp { get; set; } = new();

    public PrometheusTelemetryOptions Prometheus { get; set; } = new();
}

public sealed class OtlpTelemetryOptions
{
    /// <summary>Collector address, e.g. http://localhost:4317 (gRPC) or http://localhost:4318 (HTTP). Empty: no OTLP export.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Grpc or HttpProtobuf.</summary>
    public OtlpExportProtocol Protocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>
    /// What goes to the endpoint: All (traces, metrics and logs), or Metrics only, for a collector that handles
    /// nothing else (the AWS deployment's metrics sidecar), so no export is sent to be refused.
    /// </summary>
    public OtlpSignals Signals { get; set; } = OtlpSignals.All;
}

public enum OtlpSignals
{
    All,
    Metrics,
}

public sealed class PrometheusTelemetryOptions
{
    /// <summary>Serves the metrics at <see cref="Path"/> for a Prometheus scraper.</summary>
    public bool Enabled { get; set; }

    public string Path { get; set; } = "/metrics";
}
