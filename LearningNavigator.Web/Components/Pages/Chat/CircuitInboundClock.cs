using System.Diagnostics;
using LearningNavigator.Web.Observability;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace LearningNavigator.Web.Components.Pages.Chat;

/// <summary>
/// When the browser's latest message (a click, a key) reached the circuit, before it waited for the circuit's
/// dispatcher: a streaming answer times its first words from there, the way the API times them from the request's
/// arrival, so the page's figure includes the server's own queue and not only the handler.
/// </summary>
/// <remarks>
/// The stamp is an async-local value: the dispatcher runs each message's work in the execution context it was sent
/// with, so the handler that message starts reads that message's stamp even when others arrive meanwhile.
/// </remarks>
public sealed class CircuitInboundClock : CircuitHandler
{
    private static readonly AsyncLocal<RequestClock?> ReceivedAt = new();

    /// <summary>When the message whose work is running now arrived; null outside a circuit's inbound work.</summary>
    public static RequestClock? CurrentMessage => ReceivedAt.Value;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            // Async so the value stays with this message's work and does not leak back into the hub's loop.
            ReceivedAt.Value = new RequestClock(Stopwatch.GetTimestamp());
            await next(context);
        };
}
