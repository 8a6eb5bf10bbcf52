using LearningNavigator.Observability;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Web.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>Cookie flags and the per-address HTTP rate limit. Headers are added by <see cref="UseNavigatorSecurity"/>.</summary>
    public static IServiceCollection AddNavigatorSecurity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.SectionName));
        services.AddOptions<RateLimitingOptions>()
            .Bind(configuration.GetSection(RateLimitingOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.PerIp is not null, "RateLimiting:PerIp is required.")
            .ValidateOnStart();

        services.AddOptions<CookiePolicyOptions>().Configure<IOptions<SecurityOptions>>((cookies, security) =>
        {
            // Development runs on http://localhost, where a Secure cookie would not come back from every client.
            cookies.Secure = security.Value.SecureCookies && !environment.IsDevelopment()
                ? CookieSecurePolicy.Always
                : CookieSecurePolicy.SameAsRequest;
            cookies.HttpOnly = HttpOnlyPolicy.Always;
            cookies.MinimumSameSitePolicy = SameSiteMode.Lax;
        });

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((limiter, configured) =>
        {
            var perIp = configured.Value.PerIp;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perIp.PermitLimit, Window = perIp.Window, QueueLimit = 0 }));
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : perIp.Window;
                context.HttpContext.Response.Headers.RetryAfter =
                    Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                context.HttpContext.RequestServices.GetService<NavigatorMetrics>()?.RateLimitRejected("per-ip");
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>Headers first (so even a 429 carries them), then the rate limiter, then cookie flags.</summary>
    public static IApplicationBuilder UseNavigatorSecurity(this IApplicationBuilder app)
    {
        app.UseNavigatorSecurityHeaders();
        app.UseRateLimiter();
        app.UseCookiePolicy();
        return app;
    }
}
