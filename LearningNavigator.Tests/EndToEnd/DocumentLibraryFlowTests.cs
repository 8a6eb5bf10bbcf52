using Microsoft.Playwright;

namespace LearningNavigator.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class DocumentLibraryFlowTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_uploads_a_document_waits_for_ready_and_the_chat_cites_it()
    {
        // A fact no sample document holds, so only the new upload can answer it.
        var code = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var markdown = $"""
            # Lighthouse Centre access

            The Lighthouse Centre key safe opens with code {code}. Instructors collect the key from the key safe
            beside the loading bay before an evening course and return it after the session.
            """;
        var page = await browser.NewSignedInPageAsync("admin@example.org", width: 1366, height: 900);
        await page.GotoAsync(browser.BaseUrl + "/admin/documents");
        await page.Locator("[data-testid=documents-page][data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("document-row").First).ToBeVisibleAsync();

        await page.GetByTestId("document-upload").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "lighthouse-access.md", MimeType = "text/markdown", Buffer = System.Text.Encoding.UTF8.GetBytes(markdown) },
            new FilePayload { Name = "renamed.pdf", MimeType = "application/pdf", Buffer = "just text pretending to be a PDF"u8.ToArray() },
        });

        var row = page.Locator("[data-testid=document-row][data-document-id=lighthouse-access]");
        await Assertions.Expect(row.GetByTestId("document-status")).ToHaveTextAsync("Ready");
        await Assertions.Expect(row).ToContainTextAsync("Lighthouse Centre access");
        await Assertions.Expect(row.GetByTestId("document-chunks")).ToHaveTextAsync("1");
        var failed = page.Locator("[data-testid=document-row][data-document-id=renamed]");
        await Assertions.Expect(failed.GetByTestId("document-error")).ToContainTextAsync("the content is text");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "admin-documents.png"), FullPage = true });

        await row.GetByTestId("document-preview").ClickAsync();
        await Assertions.Expect(page.GetByTestId("preview-chunks")).ToContainTextAsync(code);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "admin-document-preview.png") });
        // Clicking beside the panel closes it, as it would for a person.
        await page.GetByTestId("preview-backdrop").ClickAsync(new LocatorClickOptions { Position = new Position { X = 40, Y = 400 } });
        await Assertions.Expect(page.GetByTestId("preview-chunks")).ToHaveCountAsync(0);

        await page.GotoAsync(browser.BaseUrl + "/");
        await page.Locator("[data-testid=chat-composer][data-interactive=true]").WaitForAsync();
        await page.GetByTestId("chat-input").FillAsync("What is the code of the Lighthouse Centre key safe?");
        await page.GetByTestId("chat-send").ClickAsync();
        var answer = page.GetByTestId("message-assistant").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false");
        await Assertions.Expect(answer).ToContainTextAsync(code);
        await Assertions.Expect(answer.Locator("[data-testid=citation][title=\"Lighthouse Centre access\"]").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
