using System.Security.Claims;
using System.Text.RegularExpressions;
using LearningNavigator.Conversations;
using LearningNavigator.Tests.Integration;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

using static LearningNavigator.Tests.EndToEnd.BrowserSteps;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>
/// Spanish end to end, the phone-width layout and axe on every page in both languages. Each test signs in as
/// an account of its own, because a language choice is saved to the profile and would leak into other tests.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LocalizedExperienceTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_spanish_speaking_instructor_switches_to_spanish_asks_and_gets_a_spanish_answer_citing_spanish_documents()
    {
        var email = await browser.CreateAccountAsync(AppRoles.Instructor);
        var page = await NewPageAsync(locale: "en-US");
        await page.GotoAsync(browser.BaseUrl + "/");
        await Assertions.Expect(page.GetByTestId("login-submit")).ToHaveTextAsync("Sign in");

        await page.GetByTestId("culture-es").ClickAsync();
        await Assertions.Expect(page.GetByTestId("login-submit")).ToHaveTextAsync("Entrar");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await SignInAsync(page, email);

        await Assertions.Expect(page.GetByTestId("chat-welcome")).ToContainTextAsync("Pregúntame sobre cursos");
        await Assertions.Expect(page.GetByTestId("new-conversation")).ToContainTextAsync("Nueva conversación");
        await page.GetByTestId("chat-input").FillAsync("¿Cuáles son los pasos del plan de acción ALGEE?");
        await page.GetByTestId("chat-input").PressAsync("Enter");
        var answer = page.GetByTestId("message-assistant").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false");

        await Assertions.Expect(answer).ToContainTextAsync("Evaluar el riesgo de suicidio");
        await Assertions.Expect(answer.Locator("[data-testid=citation][title='El plan de acción ALGEE']").First).ToBeVisibleAsync();
        await Assertions.Expect(answer.GetByTestId("follow-up")).ToHaveCountAsync(3);
        await Assertions.Expect(answer.GetByTestId("regenerate")).ToHaveTextAsync("Regenerar");
        // Dates follow the culture: "4 de marzo, 10:15".
        await Assertions.Expect(page.GetByTestId("conversation-item").First.Locator(".when")).ToHaveTextAsync(new Regex(@"^\d{1,2} de [a-záéíóúñ]+, \d{1,2}:\d{2}$"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("chat-es-desktop.png") });

        var userId = await UserIdAsync(email);
        var store = browser.App.Services.GetRequiredService<IConversationStore>();
        Assert.Equal("es", (await store.GetUserAsync(userId, CancellationToken.None))!.PreferredLanguage);

        // Remembered: a fresh browser that says nothing about language gets Spanish after signing in.
        var elsewhere = await NewPageAsync(locale: "en-US");
        await elsewhere.GotoAsync(browser.BaseUrl + "/");
        await SignInAsync(elsewhere, email);
        await Assertions.Expect(elsewhere.GetByTestId("chat-welcome")).ToContainTextAsync("Pregúntame");

        await elsewhere.GetByTestId("culture-en").ClickAsync();
        await Assertions.Expect(elsewhere.GetByTestId("chat-welcome")).ToContainTextAsync("Ask me about courses");
        Assert.Equal("en", (await store.GetUserAsync(userId, CancellationToken.None))!.PreferredLanguage);
        await page.Context.CloseAsync();
        await elsewhere.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public async Task At_375_px_the_question_box_and_send_button_are_visible_and_the_history_opens_as_a_drawer(string language)
    {
        var email = await browser.CreateAccountAsync(AppRoles.Instructor);
        var page = await NewPageAsync(locale: language == "es" ? "es-ES" : "en-US", width: 375, height: 740);
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot($"sign-in-{language}-375.png") });
        await SignInAsync(page, email);

        await AskAsync(page, language == "es" ? "¿Cómo facturo un curso que impartí?" : "How do I invoice for a course I taught?");
        foreach (var id in new[] { "chat-input", "chat-send" })
        {
            var box = await page.GetByTestId(id).BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X >= 0 && box.X + box.Width <= 375, $"{id} is cut off horizontally: x={box.X}, width={box.Width}.");
            Assert.True(box.Y >= 0 && box.Y + box.Height <= 740, $"{id} is below the fold: y={box.Y}, height={box.Height}.");
            await Assertions.Expect(page.GetByTestId(id)).ToBeInViewportAsync();
        }

        Assert.Equal(375, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot($"chat-{language}-375.png") });

        await Assertions.Expect(page.GetByTestId("conversation-drawer")).Not.ToBeInViewportAsync();
        await page.GetByTestId("drawer-toggle").ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation-search")).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByTestId("conversation-item").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot($"drawer-{language}-375.png"), Animations = ScreenshotAnimations.Disabled });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("drawer-toggle")).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByTestId("drawer-toggle")).ToHaveAttributeAsync("aria-expanded", "false");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public async Task Axe_finds_no_serious_or_critical_violation_on_sign_in_chat_and_documents(string language)
    {
        var email = await browser.CreateAccountAsync(AppRoles.Admin);
        var page = await NewPageAsync(locale: language == "es" ? "es-ES" : "en-US");
        await page.GotoAsync(browser.BaseUrl + "/");
        await AssertAccessibleAsync(page, $"sign-in ({language})");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot($"sign-in-{language}-desktop.png") });
        await SignInAsync(page, email);

        await AssertAccessibleAsync(page, $"empty chat ({language})");
        await AskAsync(page, language == "es" ? "¿Cuáles son los pasos del plan de acción ALGEE?" : "What are the steps of the ALGEE action plan?");
        await AssertAccessibleAsync(page, $"chat with an answer ({language})");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot($"chat-{language}-desktop.png") });
        await page.GetByTestId("message-assistant").Last.GetByTestId("citation").First.ClickAsync();
        await AssertAccessibleAsync(page, $"source panel ({language})");
        await page.GetByTestId("citation-close").ClickAsync();

        await page.GotoAsync(browser.BaseUrl + "/admin/documents");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AssertAccessibleAsync(page, $"documents ({language})");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot($"documents-{language}-desktop.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Keyboard_alone_sends_a_question_and_reaches_the_answer_actions()
    {
        var email = await browser.CreateAccountAsync(AppRoles.Staff);
        var page = await NewPageAsync(locale: "en-US");
        await page.GotoAsync(browser.BaseUrl + "/");
        await SignInAsync(page, email);

        await page.GetByTestId("chat-input").FocusAsync();
        await page.Keyboard.TypeAsync("How do I order participant manuals?");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message-assistant").Last).ToHaveAttributeAsync("data-streaming", "false");
        await Assertions.Expect(page.GetByTestId("chat-status")).ToHaveTextAsync("The answer is ready.");

        // Tab from the answer's first source moves through the answer's actions in order.
        await page.GetByTestId("message-assistant").Last.GetByTestId("citation").Last.FocusAsync();
        var reached = new List<string>();
        for (var i = 0; i < 12 && !reached.Contains("follow-up"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("() => document.activeElement?.dataset?.testid ?? ''"));
        }

        Assert.Contains("feedback-up", reached);
        Assert.Contains("copy-answer", reached);
        Assert.Contains("regenerate", reached);
        Assert.Contains("follow-up", reached);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message-user")).ToHaveCountAsync(2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_stream_scrolls_the_conversation_only_while_the_reader_is_at_the_bottom()
    {
        var email = await browser.CreateAccountAsync(AppRoles.Instructor);
        var page = await NewPageAsync(locale: "en-US", height: 560);
        await page.GotoAsync(browser.BaseUrl + "/");
        await SignInAsync(page, email);
        const string distance = "() => { const m = document.querySelector('[data-testid=chat-messages]'); return m.scrollHeight - m.scrollTop - m.clientHeight; }";

        await AskAsync(page, "What are the steps of the ALGEE action plan?");
        Assert.True(await page.EvaluateAsync<double>(distance) < 48, "A reader at the bottom should be kept at the bottom.");

        await page.GetByTestId("chat-input").FillAsync("How do I invoice for a course I taught?");
        await page.GetByTestId("chat-send").ClickAsync();
        await page.Locator("[data-testid=message-assistant][data-streaming=true]").WaitForAsync();
        var scrolledMidStream = await page.EvaluateAsync<bool>(
            "() => { const m = document.querySelector('[data-testid=chat-messages]'); m.scrollTop = 0; return !!document.querySelector('[data-streaming=true]'); }");
        await Assertions.Expect(page.GetByTestId("message-assistant").Last).ToHaveAttributeAsync("data-streaming", "false");

        Assert.True(scrolledMidStream, "The reader scrolled up after the answer had finished; the check proves nothing.");
        Assert.Equal(0, await page.EvaluateAsync<double>("() => document.querySelector('[data-testid=chat-messages]').scrollTop"));
        await page.Context.CloseAsync();
    }

    private async Task<IPage> NewPageAsync(string locale, int width = 1280, int height = 860)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
            IsMobile = width < 500,
            HasTouch = width < 500,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = browser.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);
}
