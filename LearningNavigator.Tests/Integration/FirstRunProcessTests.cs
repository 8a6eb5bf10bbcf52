using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LearningNavigator.Tests.TestSupport;

namespace LearningNavigator.Tests.Integration;

/// <summary>
/// The app as the README's first command starts it: its own process, no setting changed except the demo password
/// given the documented way (the environment variable), its data in a folder of its own. The console must say where
/// it listens and how to sign in, and what it prints must work.
/// </summary>
public sealed partial class FirstRunProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_app_prints_its_address_and_demo_accounts_and_the_environment_password_signs_in()
    {
        const string password = "Env-Password-456!";
        using var data = new TempDirectory("ln-first-run");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "LearningNavigator.Web.dll"), "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["LearningNavigator__Demo__Password"] = password;
        // Only where it keeps its data moves, so parallel tests and the developer's own App_Data stay apart.
        start.Environment["LearningNavigator__Accounts__DatabasePath"] = Path.Combine(data.Path, "accounts.db");
        start.Environment["LearningNavigator__Storage__Sqlite__DatabasePath"] = Path.Combine(data.Path, "navigator.db");
        start.Environment["LearningNavigator__Retrieval__Local__IndexPath"] = Path.Combine(data.Path, "index");
        start.Environment["LearningNavigator__Library__StoragePath"] = Path.Combine(data.Path, "library");
        start.Environment["LearningNavigator__DataProtection__KeysPath"] = Path.Combine(data.Path, "keys");
        // The plain-HTTP loopback client below cannot send a Secure cookie back.
        start.Environment["LearningNavigator__Security__SecureCookies"] = "false";

        var output = new StringBuilder();
        var banner = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = Process.Start(start)!;
        void Read(object _, DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.AppendLine(e.Data);
                if (e.Data is not null && OpenLine().Match(e.Data) is { Success: true } open)
                {
                    banner.TrySetResult(new Uri(open.Groups[1].Value));
                }
            }
        }

        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(banner.Task, exited, Task.Delay(StartTimeout));
            Assert.True(first == banner.Task, $"The app printed no address.\n{Printed(output)}");
            var address = await banner.Task;
            await WaitForBannerEndAsync(output);
            var printed = Printed(output);

            Assert.Contains("Demo accounts", printed, StringComparison.Ordinal);
            foreach (var email in new[] { "instructor@example.org", "staff@example.org", "admin@example.org" })
            {
                Assert.Matches($@"{Regex.Escape(email)}\s+{Regex.Escape(password)}", printed);
            }

            Assert.Matches(@"Library: (1[2-9]|[2-9]\d) documents indexed, 0 unchanged, 0 failed", printed);

            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = address };
            using (var ready = await client.GetAsync("/health/ready"))
            {
                using var health = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
                Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
            }

            using var wrong = await SignIn.PostLoginAsync(client, "instructor@example.org", "Test-Password-123!");
            Assert.NotEqual(HttpStatusCode.Redirect, wrong.StatusCode);
            using var signedIn = await SignIn.PostLoginAsync(client, "instructor@example.org", password);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            using var chat = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static string Printed(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>The banner is written in one call, but the lines arrive one by one.</summary>
    private static async Task WaitForBannerEndAsync(StringBuilder output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Printed(output).Contains("admin@example.org", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"Open:\s+(http://\S+)")]
    private static partial Regex OpenLine();
}
