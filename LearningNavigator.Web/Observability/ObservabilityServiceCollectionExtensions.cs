using LearningNavigator.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LearningNavigator.Web.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    public const string ReadyTag = "ready";

    /// <summary>
    /// OpenTelemetry traces (ASP.NET Core, HttpClient, the answer pipeline), metrics and logs, exported as
    /// <c>Telemetry</c> says; and the health checks behind <c>/health/ready</c>.
    /// </summary>
    public static IServiceCollection AddNavigatorObservability(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TelemetryOptions.SectionName);
        services.AddOptions<TelemetryOptions>()
            .Bind(section)
            .ValidateDataAnnotations()
            .Validate(o => o.Otlp.Endpoint is null || o.Otlp.Endpoint.IsAbsoluteUri, "Telemetry:Otlp:Endpoint must be an absolute URL, e.g. http://localhost:4317.")
            .Validate(o => o.Prometheus.Path.StartsWith('/'), "Telemetry:Prometheus:Path must start with '/'.")
            .ValidateOnStart();

        // The OTLP exporter is chosen while the container is built, so it reads the section directly;
        // the options above validate the same values at start and fail with the key's name.
        var telemetry = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = telemetry.Otlp.Endpoint is { IsAbsoluteUri: true } endpoint ? endpoint : null;

        services.AddNavigatorTelemetry();
        services.Configure<LoggerFactoryOptions>(o =>
            o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(telemetry.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(NavigatorTelemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(NavigatorTelemetry.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    // Always registered (it only gathers when scraped); whether /metrics is served is decided
                    // when endpoints are mapped, from the validated options.
                    .AddPrometheusExporter();
            })
            .WithLogging(
                logging => { },
                options =>
                {
                    options.IncludeScopes = true;
                    // The formatted message is what the code chose to log; user text is never part of it.
                    options.IncludeFormattedMessage = true;
                });
        if (otlp is not null && telemetry.Otlp.Signals == OtlpSignals.Metrics)
        {
            builder.WithMetrics(metrics => metrics.AddOtlpExporter(o =>
            {
                o.Endpoint = OtlpSignalEndpoint(otlp, telemetry.Otlp.Protocol, "v1/metrics");
                o.Protocol = telemetry.Otlp.Protocol;
            }));
        }
        else if (otlp is not null)
        {
            builder.UseOtlpExporter(telemetry.Otlp.Protocol, otlp);
        }

        services.AddHttpClient(EndpointProbe.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5));
        services.AddHealthChecks()
            .AddCheck<ConversationStoreHealthCheck>("store", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<KnowledgeIndexHealthCheck>("index", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<ModelProviderHealthCheck>("model", HealthStatus.Unhealthy, [ReadyTag]);
        return services;
    }

    /// <summary>
    /// A per-signal exporter takes the signal's full URL over HTTP (UseOtlpExporter appends the path itself); gRPC
    /// takes the base address.
    /// </summary>
    private static Uri OtlpSignalEndpoint(Uri endpoint, OtlpExportProtocol protocol, string path) =>
        protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, path) : endpoint;

    /// <summary>Health probes every few seconds would drown the traces that matter.</summary>
    internal static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
}
