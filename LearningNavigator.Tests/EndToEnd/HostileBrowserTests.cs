using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LearningNavigator.Tests.EndToEnd;

/// <summary>
/// The hostile suite's browser part: payloads typed into questions and feedback comments and carried by an
/// uploaded document's name and text, in real Chromium. No dialog may open and no injected element or attribute
/// may reach the DOM. Every case is counted and the totals printed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly string[] Payloads =
    [
        "<img src=x onerror=alert('question')>",
        "<script>alert('question')</script> what is ALGEE?",
        "<svg onload=alert(1)> [x](javascript:alert(1)) how do I invoice?",
    ];

    // Every attribute whose name starts with "on", every script URL, and every inline script without the page's nonce.
    private const string InjectedMarkup = """
        () => {
          const found = [];
          for (const e of document.querySelectorAll('*')) {
            for (const a of e.attributes) {
              if (a.name.startsWith('on')) found.push(`${e.tagName} ${a.name}`);
              if (['href', 'src', 'action', 'formaction', 'data'].includes(a.name) && /^\s*(javascript|vbscript):/i.test(a.value)) found.push(`${e.tagName} ${a.name}=${a.value}`);
            }
          }
          for (const s of document.scripts) {
            if (!s.src && !s.nonce && s.type !== 'importmap') found.push('inline script: ' + s.textContent.slice(0, 40));
          }
          if (document.querySelector('img[src="x"], iframe, object, embed')) found.push('injected element');
          return found;
        }
        """;

    private readonly List<string> dialogs = [];
    private readonly List<string> failures = [];
    private int tried;

    [Fact]
    public async Task No_dialog_opens_and_no_injected_markup_reaches_the_dom()
    {
        var marker = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var admin = await browser.NewSignedInPageAsync("admin@example.org", width: 1366, height: 900);
        Watch(admin);
        await admin.GotoAsync(browser.BaseUrl + "/admin/documents");
        await admin.Locator("[data-testid=documents-page][data-interactive=true]").WaitForAsync();
        var hostileName = $"<img src=x onerror=alert('file')> harbour {marker}.md";
        var text = $"# Harbour room {marker}\n\nThe harbour room code is {marker}. <script>alert('doc')</script> <img src=x onerror=alert('doc')> [tap](javascript:alert('doc'))\n";
        await admin.GetByTestId("document-upload").SetInputFilesAsync(new FilePayload { Name = hostileName, MimeType = "text/markdown", Buffer = System.Text.Encoding.UTF8.GetBytes(text) });
        var row = admin.Locator("[data-testid=document-row]", new() { HasText = marker });
        await Assertions.Expect(row.GetByTestId("document-status")).ToHaveTextAsync("Ready");
        await CheckAsync(admin, "document list with a hostile file name");
        await row.GetByTestId("document-preview").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("preview-chunks")).ToContainTextAsync(marker);
        await CheckAsync(admin, "document preview with hostile text");

        // The admin sees every document, so the question about the upload is answered from it.
        var page = admin;
        await page.GotoAsync(browser.BaseUrl + "/");
        await page.Locator("[data-testid=chat-composer][data-interactive=true]").WaitForAsync();
        foreach (var question in Payloads.Append($"What is the harbour room {marker} code?"))
        {
            await page.GetByTestId("chat-input").FillAsync(question);
            await page.GetByTestId("chat-send").ClickAsync();
            await Assertions.Expect(page.GetByTestId("message-assistant").Last).ToHaveAttributeAsync("data-streaming", "false");
            await CheckAsync(page, $"question: {question}");
        }

        await Assertions.Expect(page.GetByTestId("message-assistant").Last).ToContainTextAsync(marker);
        foreach (var comment in new[] { "<img src=x onerror=alert('comment')>", "<a href=\"javascript:alert(1)\">see</a><script>alert(2)</script>" })
        {
            var answer = page.GetByTestId("message-assistant").Last;
            await answer.GetByTestId("feedback-down").ClickAsync();
            await answer.GetByTestId("feedback-comment").FillAsync(comment);
            await answer.GetByTestId("feedback-submit").ClickAsync();
            await Assertions.Expect(answer.GetByTestId("feedback-status")).ToBeVisibleAsync();
            await CheckAsync(page, $"feedback comment: {comment}");
        }

        // The saved conversation, drawn again from the store after a reload.
        await page.ReloadAsync();
        await page.Locator("[data-testid=chat-composer][data-interactive=true]").WaitForAsync();
        await CheckAsync(page, "reloaded conversation");

        Record("no dialog opened", dialogs.Count == 0, string.Join("; ", dialogs));
        output.WriteLine($"Hostile input (browser): {tried} cases tried, {tried - failures.Count} held.");
        Console.WriteLine($"Hostile input (browser): {tried} cases tried, {tried - failures.Count} held.");
        await admin.Context.CloseAsync();
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private void Watch(IPage page) => page.Dialog += async (_, dialog) =>
    {
        dialogs.Add($"{dialog.Type}: {dialog.Message}");
        await dialog.DismissAsync();
    };

    private async Task CheckAsync(IPage page, string name)
    {
        var injected = await page.EvaluateAsync<string[]>(InjectedMarkup);
        Record(name, injected.Length == 0, string.Join(", ", injected));
    }

    private void Record(string name, bool held, string detail)
    {
        tried++;
        if (!held)
        {
            failures.Add($"{name}: {detail}");
        }
    }
}
