using System.Globalization;
using System.Security.Claims;
using Bunit;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Components.Pages.Chat;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LearningNavigator.Tests.Web.Chat;

/// <summary>
/// bUnit over the real domain: the sample library, the local index, the extractive answerer and SQLite in a
/// folder of the test's own, signed in as an instructor.
/// </summary>
public abstract class DomainChatTestContext : ComponentTestContext, IAsyncLifetime
{
    protected const string UserId = "user-instructor";

    // Tests that switch the interface language must not leak it into the next test on this thread.
    private readonly CultureInfo originalCulture = CultureInfo.CurrentCulture;
    private readonly CultureInfo originalUiCulture = CultureInfo.CurrentUICulture;

    protected DomainChatTestContext(string folderPrefix, TimeSpan wordDelay)
    {
        Data = new TempDirectory(folderPrefix);
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Library:Path"] = Path.Combine(AppContext.BaseDirectory, "SampleLibrary"),
            ["Storage:Sqlite:DatabasePath"] = Data.Combine("navigator.db"),
            ["Retrieval:Local:IndexPath"] = Data.Combine("index"),
            ["Generation:Extractive:WordDelay"] = wordDelay.ToString("c"),
        }).Build();
        Services.AddLearningNavigator(configuration, Data.Path);
        var auth = AddAuthorization();
        auth.SetAuthorized("instructor@example.org");
        auth.SetRoles(AppRoles.Instructor);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
    }

    protected TempDirectory Data { get; }

    /// <summary>Types the question, sends it and waits until the latest answer has stopped streaming.</summary>
    protected static async Task AskAsync(IRenderedComponent<ChatPage> page, string question)
    {
        page.Find("[data-testid=chat-input]").Input(question);
        await page.Find("form[data-testid=chat-composer]").SubmitAsync();
        page.WaitForAssertion(
            () => Assert.Equal("false", page.FindAll("[data-testid=message-assistant]")[^1].GetAttribute("data-streaming")),
            TimeSpan.FromSeconds(20));
    }

    public async Task InitializeAsync() => await Services.GetRequiredService<LibraryStartup>().StartAsync(CancellationToken.None);

    async Task IAsyncLifetime.DisposeAsync()
    {
        CultureInfo.CurrentCulture = originalCulture;
        CultureInfo.CurrentUICulture = originalUiCulture;
        // The index commits when its service is disposed: dispose the services before their folder goes.
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        Data.Dispose();
    }
}
