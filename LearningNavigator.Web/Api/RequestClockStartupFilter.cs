using System.Diagnostics;
using LearningNavigator.Web.Observability;

namespace LearningNavigator.Web.Api;

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
