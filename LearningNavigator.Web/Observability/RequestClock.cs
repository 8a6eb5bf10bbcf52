using System.Diagnostics;

namespace LearningNavigator.Web.Observability;

/// <summary>
/// When a question reached the app: an API request before authentication and every other middleware, a browser
/// message before it waited for its circuit's dispatcher. The wait for the first word is reported from here, as the
/// server saw it, without the caller's own delays (a busy client, the network), so an operator can tell the two apart.
/// </summary>
public sealed record RequestClock(long StartedAt)
{
    public double ElapsedMs() => Math.Round(Stopwatch.GetElapsedTime(StartedAt).TotalMilliseconds, 1);
}
