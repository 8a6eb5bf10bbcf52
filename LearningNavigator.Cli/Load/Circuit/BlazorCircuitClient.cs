using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Cli.Load.Circuit;

/// <summary>
/// A headless browser for one Blazor Server chat page: signs in through the login form, loads the prerendered
/// page, starts the interactive circuit over SignalR from the page's component markers, acknowledges every
/// render batch, answers the page's JavaScript calls with neutral results, and types and submits questions as
/// input and submit events. Streamed answer text is recognised in the render batches of the answer's component.
/// </summary>
public sealed partial class BlazorCircuitClient : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(90);

    private readonly Uri baseAddress;
    private readonly CookieContainer cookies = new();
    private readonly HttpClient http;
    private readonly Lock gate = new();
    private readonly HashSet<int> knownAnswers = [];
    private HubConnection? hub;
    private int composerId = -1;
    private ulong inputHandler;
    private ulong submitHandler;
    private long callIds;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> handled = new(StringComparer.Ordinal);
    private int jsObjects;
    private long rendererInterop;
    private TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Question? current;
    private long lastBatch = Environment.TickCount64;

    public BlazorCircuitClient(Uri baseAddress)
    {
        this.baseAddress = baseAddress;
        http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public string? LastError { get; private set; }

    public async Task SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var page = await http.GetStringAsync(new Uri("account/login", UriKind.Relative), cancellationToken);
        var token = AntiforgeryToken().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException("The login page has no antiforgery token.");
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        using var response = await http.PostAsync(new Uri("account/login", UriKind.Relative), form, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {email} failed ({(int)response.StatusCode}).");
        }
    }

    /// <summary>Loads the chat page and starts its circuit; returns once the composer is interactive.</summary>
    public async Task OpenChatAsync(CancellationToken cancellationToken)
    {
        var html = await http.GetStringAsync(new Uri("/", UriKind.Relative), cancellationToken);
        var operations = new JsonArray();
        var ssrId = 0;
        foreach (Match marker in ComponentMarker().Matches(html))
        {
            var node = JsonNode.Parse(marker.Groups[1].Value)!.AsObject();
            if (node["type"]?.GetValue<string>() == "server" && node["descriptor"] is not null)
            {
                operations.Add(new JsonObject { ["type"] = "add", ["ssrComponentId"] = ++ssrId, ["marker"] = node });
            }
        }

        if (ssrId == 0)
        {
            throw new InvalidOperationException("The chat page has no interactive server component markers (not signed in?).");
        }

        var state = ComponentState().Match(html) is { Success: true } s ? s.Groups[1].Value : string.Empty;
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "_blazor"), HttpTransportType.WebSockets, o => o.Cookies = cookies)
            .AddMessagePackProtocol();
        builder.Services.AddSingleton<IHubProtocol>(sp =>
            new BlazorPackProtocol(new MessagePackHubProtocol(sp.GetRequiredService<IOptions<Microsoft.AspNetCore.SignalR.MessagePackHubProtocolOptions>>())));
        hub = builder.Build();
        hub.On<long, byte[]>("JS.RenderBatch", OnRenderBatchAsync);
        hub.On<long, string, string, int, long, int>("JS.BeginInvokeJS", OnBeginInvokeJSAsync);
        hub.On<string, bool, string>("JS.EndInvokeDotNet", (id, ok, result) =>
        {
            if (Trace)
            {
                Console.Error.WriteLine($"[end-invoke-dotnet] {id} {ok} {result}");
            }

            if (!ok)
            {
                current?.Fail("the circuit rejected an event");
            }

            if (handled.TryRemove(id, out var done))
            {
                done.TrySetResult();
            }
        });
        hub.On<long>("JS.EndUpdateRootComponents", _ => { });
        hub.On<string>("JS.Error", error =>
        {
            LastError = error;
            ready.TrySetException(new InvalidOperationException($"Circuit error: {error}"));
            current?.Fail($"circuit error: {error}");
        });
        hub.Closed += error =>
        {
            current?.Fail("connection closed");
            ready.TrySetException(new InvalidOperationException("The circuit connection closed.", error));
            return Task.CompletedTask;
        };

        await hub.StartAsync(cancellationToken);
        var page = new Uri(baseAddress, "/").ToString();
        await hub.InvokeAsync<string>("StartCircuit", baseAddress.ToString(), page, "[]", string.Empty, cancellationToken);
        var batch = new JsonObject { ["batchId"] = 1, ["operations"] = operations };
        await hub.InvokeAsync("UpdateRootComponents", batch.ToJsonString(), state, cancellationToken);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    /// <summary>Types the question into the composer, submits it and follows the answer until it has streamed.</summary>
    public async Task AskAsync(string text, AnswerTiming timing, CancellationToken cancellationToken)
    {
        // After an answer the page still updates (follow-ups, history, address); a person types once it settles,
        // and events sent meanwhile could name handlers that a pending render replaces.
        var settleUntil = Environment.TickCount64 + 5_000;
        while (Environment.TickCount64 - Interlocked.Read(ref lastBatch) < 100 && Environment.TickCount64 < settleUntil)
        {
            await Task.Delay(25, cancellationToken);
        }

        var question = new Question(timing);
        ulong input, submit;
        int composer;
        lock (gate)
        {
            current = question;
            (input, submit, composer) = (inputHandler, submitHandler, composerId);
        }

        // A person's typing reaches the server while they type, long before they press Enter: the clock starts once
        // the server has handled the text, as it would in a browser, not while the text is still on its way.
        var typed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await DispatchAsync(
            new JsonObject
            {
                ["eventHandlerId"] = input,
                ["eventName"] = "input",
                ["eventFieldInfo"] = new JsonObject { ["componentId"] = composer, ["fieldValue"] = text },
            },
            new JsonObject { ["value"] = text },
            cancellationToken,
            typed);
        await typed.Task.WaitAsync(AnswerTimeout, cancellationToken);
        timing.MarkSent();
        if (Trace)
        {
            Console.Error.WriteLine($"[sent] {Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000)}");
        }

        await DispatchAsync(new JsonObject { ["eventHandlerId"] = submit, ["eventName"] = "submit", ["eventFieldInfo"] = null }, [], cancellationToken);
        try
        {
            await question.Done.Task.WaitAsync(AnswerTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            question.Fail("no end of answer in 90 s");
        }
        finally
        {
            lock (gate)
            {
                current = null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (hub is not null)
        {
            await hub.DisposeAsync();
        }

        http.Dispose();
    }

    /// <param name="handledBy">Completed when the circuit reports the event handled.</param>
    private Task DispatchAsync(JsonObject descriptor, JsonObject eventArgs, CancellationToken cancellationToken, TaskCompletionSource? handledBy = null)
    {
        var args = new JsonArray(descriptor, eventArgs).ToJsonString();
        if (Trace)
        {
            Console.Error.WriteLine($"[dispatch] {args}");
        }

        var callId = Interlocked.Increment(ref callIds).ToString(CultureInfo.InvariantCulture);
        if (handledBy is not null)
        {
            handled[callId] = handledBy;
        }

        // Events go to the renderer's interop object (an instance method, so no assembly name).
        return hub!.SendAsync("BeginInvokeDotNetFromJS", callId, null, "DispatchEventAsync", Interlocked.Read(ref rendererInterop), args, cancellationToken);
    }

    private async Task OnRenderBatchAsync(long batchId, byte[] data)
    {
        Interlocked.Exchange(ref lastBatch, Environment.TickCount64);
        string? error = null;
        try
        {
            Observe(new RenderBatchReader(data));
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            error = ex.Message;
        }

        // The server holds further batches until this one is acknowledged, exactly as with a browser.
        await hub!.SendAsync("OnRenderCompleted", batchId, error);
    }

    private static readonly bool Trace = Environment.GetEnvironmentVariable("LN_LOAD_TRACE") == "1";

    private void Observe(RenderBatchReader batch)
    {
        if (Trace)
        {
            foreach (var d in batch.Diffs)
            {
                Console.Error.WriteLine($"[batch] {Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000)} c{d.ComponentId} text={d.TextEdits}/{d.AddedTextLength} added=[{string.Join(",", d.AddedElements.Select(e => e.Name + ":" + e["data-testid"] + ":" + string.Join("/", e.Attributes.Where(a => a.EventHandlerId != 0).Select(a => a.Name + "=" + a.EventHandlerId))))}] changed=[{string.Join(",", d.ChangedAttributes.Select(a => a.Name + "=" + a.Value + "#" + a.EventHandlerId))}]");
            }
        }

        lock (gate)
        {
            var question = current;
            ComponentDiff? placeholder = null;
            foreach (var diff in batch.Diffs)
            {
                foreach (var element in diff.AddedElements)
                {
                    switch (element["data-testid"])
                    {
                        case "chat-composer":
                            composerId = diff.ComponentId;
                            TakeHandler(element.Attributes, "onsubmit", ref submitHandler);
                            break;
                        case "chat-input":
                            TakeHandler(element.Attributes, "oninput", ref inputHandler);
                            break;
                        case "message-assistant" when element["data-streaming"] == "true" && question is not null && knownAnswers.Add(diff.ComponentId):
                            question.AnswerComponent = diff.ComponentId;
                            // The empty placeholder that appears on sending is not a first token.
                            placeholder = diff;
                            break;
                        case "chat-notice" when question is not null:
                            question.Fail("the page showed a notice instead of an answer");
                            break;
                    }
                }

                if (diff.ComponentId == composerId)
                {
                    TakeHandler(diff.ChangedAttributes, "onsubmit", ref submitHandler);
                    TakeHandler(diff.ChangedAttributes, "oninput", ref inputHandler);
                    if (diff.ChangedAttributes.Any(a => a.Name == "data-interactive" && a.Value == "true"))
                    {
                        ready.TrySetResult();
                    }
                }

                if (question is not null && diff.ComponentId == question.AnswerComponent)
                {
                    if (diff.ChangedAttributes.Any(a => a.Name == "data-streaming" && a.Value == "false"))
                    {
                        if (Milliseconds(diff.ChangedAttributes, "data-retrieval-ms") is { } retrieval)
                        {
                            question.Timing.ServerMeasured(
                                retrieval,
                                Milliseconds(diff.ChangedAttributes, "data-model-first-token-ms"),
                                Milliseconds(diff.ChangedAttributes, "data-request-first-token-ms"));
                        }

                        question.Complete();
                    }
                    else if (!ReferenceEquals(diff, placeholder) && (diff.TextEdits > 0 || diff.AddedTextLength > 0))
                    {
                        question.Timing.Token();
                    }
                }
            }

            if (question?.AnswerComponent is { } answer && batch.DisposedComponents.Contains(answer))
            {
                question.Fail("the answer was removed");
            }
        }
    }

    private static double? Milliseconds(List<AttributeFrame> attributes, string name) =>
        attributes.FirstOrDefault(a => a.Name == name)?.Value is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : null;

    private static void TakeHandler(List<AttributeFrame> attributes, string name, ref ulong handler)
    {
        if (attributes.FirstOrDefault(a => a.Name == name && a.EventHandlerId != 0) is { } found)
        {
            handler = found.EventHandlerId;
        }
    }

    private async Task OnBeginInvokeJSAsync(long asyncHandle, string identifier, string argsJson, int resultType, long targetInstanceId, int callType)
    {
        if (Trace)
        {
            Console.Error.WriteLine($"[js] {asyncHandle} {identifier} {argsJson}");
        }

        // The renderer hands over the object that browser events are dispatched to.
        if (identifier.EndsWith("attachWebRendererInterop", StringComparison.Ordinal)
            && JsonNode.Parse(argsJson)?[1]?["__dotNetObject"]?.GetValue<long>() is { } interop)
        {
            Interlocked.Exchange(ref rendererInterop, interop);
        }

        // Modules are the only results the page uses; everything else it calls returns nothing it reads.
        JsonNode? result = identifier == "import" ? new JsonObject { ["__jsObjectId"] = Interlocked.Increment(ref jsObjects) } : null;
        if (asyncHandle != 0)
        {
            await hub!.SendAsync("EndInvokeJSFromDotNet", asyncHandle, true, new JsonArray(asyncHandle, true, result).ToJsonString());
        }

        // A browser reports where it navigated; the page's router then follows.
        if (identifier.EndsWith("navigateTo", StringComparison.Ordinal) && JsonNode.Parse(argsJson)?[0]?.GetValue<string>() is { } target)
        {
            await hub!.SendAsync("OnLocationChanged", new Uri(baseAddress, target).ToString(), null, false);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex(@"<!--Blazor:(\{.*?\})-->", RegexOptions.Singleline)]
    private static partial Regex ComponentMarker();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex ComponentState();

    private sealed class Question(AnswerTiming timing)
    {
        public AnswerTiming Timing { get; } = timing;

        public int? AnswerComponent { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete()
        {
            if (Done.TrySetResult())
            {
                Timing.Complete();
            }
        }

        public void Fail(string error)
        {
            if (Done.TrySetResult())
            {
                Timing.Fail(error);
            }
        }
    }
}
