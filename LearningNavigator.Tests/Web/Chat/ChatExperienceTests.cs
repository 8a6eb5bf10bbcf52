using System.Globalization;
using Bunit;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Components.Pages.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Web.Chat;

/// <summary>History, regenerate, follow-ups, copy and Spanish, on the chat page over the real domain.</summary>
public sealed class ChatExperienceTests : DomainChatTestContext
{
    public ChatExperienceTests()
        : base("ln-bunit-ux", TimeSpan.Zero)
    {
        JSInterop.Setup<bool>("copyText", _ => true).SetResult(true);
    }

    private IConversationStore Store => Services.GetRequiredService<IConversationStore>();

    [Fact]
    public async Task History_search_filters_by_title_ignoring_accents_and_case()
    {
        await SeedConversationAsync("Facturación de marzo", minutes: 1);
        await SeedConversationAsync("ALGEE steps", minutes: 2);
        var page = Render<ChatPage>();

        page.Find("[data-testid=conversation-search]").Input("FACTURACION");

        Assert.Equal(["Facturación de marzo"], page.FindAll("[data-testid=conversation-item] .title").Select(e => e.TextContent));
        page.Find("[data-testid=conversation-search]").Input("nothing like this");
        Assert.Empty(page.FindAll("[data-testid=conversation-item]"));
        Assert.Contains("nothing like this", page.Find("[data-testid=conversation-no-match]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rename_saves_the_new_title_and_refuses_a_blank_one()
    {
        var id = await SeedConversationAsync("Old title", minutes: 1);
        var page = Render<ChatPage>();

        page.Find("[data-testid=rename-conversation]").Click();
        page.Find("[data-testid=rename-input]").Input("   ");
        page.Find("[data-testid=rename-form]").Submit();
        Assert.Contains("can't be empty", page.Find("[data-testid=rename-form]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Old title", (await Store.GetConversationAsync(id, CancellationToken.None))!.Title);

        page.Find("[data-testid=rename-input]").Input("Invoices for March");
        page.Find("[data-testid=rename-form]").Submit();

        page.WaitForAssertion(() => Assert.Equal("Invoices for March", page.Find("[data-testid=conversation-item] .title").TextContent));
        Assert.Equal("Invoices for March", (await Store.GetConversationAsync(id, CancellationToken.None))!.Title);
    }

    [Fact]
    public async Task Delete_asks_first_then_removes_the_conversation_from_the_list_and_the_store()
    {
        var kept = await SeedConversationAsync("Keep me", minutes: 1);
        var doomed = await SeedConversationAsync("Delete me", minutes: 2);
        var page = Render<ChatPage>();

        page.FindAll("[data-testid=delete-conversation]")[0].Click();
        Assert.Contains("Delete me", page.Find("[data-testid=delete-confirm]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(await Store.GetConversationAsync(doomed, CancellationToken.None));
        page.Find("[data-testid=delete-confirm-yes]").Click();

        page.WaitForAssertion(() => Assert.Equal(["Keep me"], page.FindAll("[data-testid=conversation-item] .title").Select(e => e.TextContent)));
        Assert.Null(await Store.GetConversationAsync(doomed, CancellationToken.None));
        Assert.NotNull(await Store.GetConversationAsync(kept, CancellationToken.None));
    }

    [Fact]
    public async Task Three_follow_up_questions_follow_the_latest_answer_and_one_click_asks_it()
    {
        var page = Render<ChatPage>();

        await AskAsync(page, "What are the steps of the ALGEE action plan?");

        var followUps = page.FindAll("[data-testid=follow-up]");
        Assert.Equal(3, followUps.Count);
        Assert.Equal(3, followUps.Select(b => b.TextContent).Distinct().Count());
        var picked = followUps[0].TextContent;
        followUps[0].Click();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=message-assistant][data-streaming=false]").Count), TimeSpan.FromSeconds(20));
        Assert.Equal(picked, page.FindAll("[data-testid=message-user]")[1].TextContent);
        // Only the latest answer offers follow-ups and regenerate. They follow the answer's own render, so wait.
        page.WaitForAssertion(() =>
        {
            Assert.Single(page.FindAll("[data-testid=follow-ups]"));
            Assert.Single(page.FindAll("[data-testid=regenerate]"));
        });
    }

    [Fact]
    public async Task Regenerate_replaces_the_last_answer_on_screen_and_keeps_the_question_once()
    {
        var page = Render<ChatPage>();
        await AskAsync(page, "How do I order participant manuals?");
        var firstId = page.Find("[data-testid=message-assistant]").GetAttribute("data-message-id");

        page.Find("[data-testid=regenerate]").Click();

        page.WaitForAssertion(() =>
        {
            var answer = Assert.Single(page.FindAll("[data-testid=message-assistant]"));
            Assert.NotEqual(firstId, answer.GetAttribute("data-message-id"));
            Assert.Equal("false", answer.GetAttribute("data-streaming"));
        }, TimeSpan.FromSeconds(20));
        Assert.Single(page.FindAll("[data-testid=message-user]"));
        var conversation = Assert.Single(await Store.ListConversationsAsync(UserId, 10, CancellationToken.None));
        var stored = await Store.GetMessagesAsync(conversation.Id, CancellationToken.None);
        Assert.Equal([MessageAuthor.User, MessageAuthor.Assistant, MessageAuthor.Assistant], stored.Select(m => m.Author));
        Assert.Equal(firstId, stored[1].Id);
    }

    [Fact]
    public async Task Copy_puts_the_answer_text_on_the_clipboard_and_says_so()
    {
        var page = Render<ChatPage>();
        await AskAsync(page, "How do I order participant manuals?");

        page.Find("[data-testid=copy-answer]").Click();

        var call = Assert.Single(JSInterop.Invocations, i => i.Identifier == "copyText");
        Assert.Contains("[1]", (string)call.Arguments[0]!, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("Copied", page.Find("[data-testid=copy-status]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_spanish_the_interface_the_welcome_and_the_answer_are_spanish()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es");
        var page = Render<ChatPage>();

        Assert.Contains("Pregúntame sobre cursos", page.Find("[data-testid=chat-welcome]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Escribe tu pregunta… (Intro para enviar, Mayús+Intro para otra línea)", page.Find("[data-testid=chat-input]").GetAttribute("placeholder"));
        await AskAsync(page, "¿Cuáles son los pasos del plan de acción ALGEE?");

        var answer = page.Find("[data-testid=message-assistant]");
        Assert.Contains("Evaluar", answer.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Copiar", answer.TextContent, StringComparison.Ordinal);
        Assert.All(page.FindAll("[data-testid=follow-up]"), b => Assert.Matches("^(¿|Cuéntame)", b.TextContent));
        // Numbers follow the culture: two thousand is written "2.000" in Spanish.
        Assert.Equal("0 de 2.000 caracteres", page.Find("[data-testid=chat-counter]").GetAttribute("aria-label"));
    }

    private async Task<string> SeedConversationAsync(string title, int minutes)
    {
        var at = new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero).AddMinutes(minutes);
        var id = Guid.NewGuid().ToString("N");
        await Store.CreateConversationAsync(new Conversation { Id = id, UserId = UserId, Title = title, CreatedAt = at, UpdatedAt = at }, CancellationToken.None);
        return id;
    }
}
