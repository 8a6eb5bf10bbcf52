using System.Diagnostics;

namespace LearningNavigator.Web.Api;

/// <summary>
/// When an API request reached the app, before authentication and every other middleware: the answer's usage event
/// reports the wait for the first word as the server saw it, without the caller's own delays (a busy client, the
/// network), so an operator can tell the two apart.
/// </summary>
public sealed record RequestClock(long StartedAt)
{
    public double ElapsedMs() => Math.Round(Stopwatch.GetElapsedTime(StartedAt).TotalMilliseconds, 1);
}

/// <summary>Starts the <see cref="RequestClock"/> ahead of the app's own middleware, for API requests only.</summary>
internal sealed class RequestClockStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(NavigatorApi.Prefix, StringComparison.OrdinalIgnoreCase),
            api => api.Use((context, nextMiddleware) =>
            {
                context.Features.Set(new RequestClock(Stopwatch.GetTimestamp()));
                return nextMiddleware(context);
            }));
        next(app);
    };
}
