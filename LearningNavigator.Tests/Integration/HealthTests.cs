using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Web.Observability;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Integration;

/// <summary>/health/live and /health/ready as a load balancer sees them, with a store that can be taken down.</summary>
public sealed class HealthTests : IClassFixture<HealthTests.Fixture>
{
    private readonly Fixture app;

    public HealthTests(Fixture app)
    {
        this.app = app;
        app.Store.Down = false;
    }

    [Fact]
    public async Task Live_answers_healthy_without_signing_in()
    {
        using var client = app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(ObservabilityEndpoints.LivePath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await StatusAsync(response));
    }

    [Fact]
    public async Task Ready_checks_the_store_the_index_and_the_model()
    {
        using var client = app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(ObservabilityEndpoints.ReadyPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("index").GetProperty("status").GetString());
        Assert.Contains("documents indexed", checks.GetProperty("index").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", checks.GetProperty("model").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_reports_unhealthy_when_the_store_is_down_while_live_stays_healthy()
    {
        using var client = app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        app.Store.Down = true;

        using var ready = await client.GetAsync(ObservabilityEndpoints.ReadyPath);
        using var live = await client.GetAsync(ObservabilityEndpoints.LivePath);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("index").GetProperty("status").GetString());
        Assert.DoesNotContain("simulated", body.RootElement.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task The_container_probe_exits_non_zero_when_nothing_listens_and_on_a_bad_url()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        Assert.Equal(1, await HealthProbe.RunAsync([HealthProbe.Switch, $"http://127.0.0.1:{port}/health/live"]));
        Assert.Equal(1, await HealthProbe.RunAsync([HealthProbe.Switch, "not a url"]));
    }

    [Fact]
    public async Task The_container_probe_exits_zero_when_live_answers_ok_and_one_on_an_error_status()
    {
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serve = Task.Run(async () =>
        {
            foreach (var status in ProbeStatuses)
            {
                var context = await listener.GetContextAsync();
                context.Response.StatusCode = status;
                context.Response.Close();
            }
        });

        var healthy = await HealthProbe.RunAsync([HealthProbe.Switch, $"http://127.0.0.1:{port}/health/live"]);
        var unhealthy = await HealthProbe.RunAsync([HealthProbe.Switch, $"http://127.0.0.1:{port}/health/live"]);
        await serve;

        Assert.Equal(0, healthy);
        Assert.Equal(1, unhealthy);
        Assert.True(HealthProbe.IsRequested([HealthProbe.Switch]));
        Assert.False(HealthProbe.IsRequested(["--urls", "http://+:8080"]));
    }

    private static readonly int[] ProbeStatuses = [200, 503];

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static async Task<string?> StatusAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString();
    }

    public sealed class Fixture : IDisposable
    {
        private readonly NavigatorAppFactory root = new();

        public Fixture()
        {
            Factory = root.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
                services.AddSingleton(sp =>
                {
                    var (store, control) = SwitchableStore.Wrap(sp.GetRequiredService<SqliteConversationStore>());
                    Store = control;
                    return store;
                })));
            Factory.Services.GetRequiredService<IConversationStore>();
        }

        public WebApplicationFactory<Program> Factory { get; }

        public SwitchableStore Store { get; private set; } = default!;

        public void Dispose()
        {
            Factory.Dispose();
            root.Dispose();
        }
    }
}

/// <summary>
/// The real SQLite store until <see cref="Down"/> is set; then every call fails as a lost database would.
/// A proxy rather than a hand-written class, so members added to the interface later need no change here.
/// </summary>
public class SwitchableStore : DispatchProxy
{
    private IConversationStore inner = default!;

    public bool Down { get; set; }

    public static (IConversationStore Store, SwitchableStore Switch) Wrap(IConversationStore inner)
    {
        var store = Create<IConversationStore, SwitchableStore>();
        var proxy = (SwitchableStore)(object)store;
        proxy.inner = inner;
        return (store, proxy);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (Down)
        {
            throw new InvalidOperationException("simulated outage: the store is down");
        }

        try
        {
            return targetMethod!.Invoke(inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
