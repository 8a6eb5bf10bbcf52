using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Observability;

public static class ObservabilityEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>
    /// <c>/health/live</c>: the process answers (no dependency is checked, so a slow store never gets a
    /// healthy container restarted). <c>/health/ready</c>: store, index and model provider, for the load balancer.
    /// </summary>
    public static WebApplication MapNavigatorObservability(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync })
            .AllowAnonymous();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains(ObservabilityServiceCollectionExtensions.ReadyTag),
                ResponseWriter = HealthResponseWriter.WriteAsync,
            })
            .AllowAnonymous();

        var prometheus = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus;
        if (prometheus.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(prometheus.Path).AllowAnonymous();
        }

        return app;
    }
}
