using System.Globalization;
using System.Security.Claims;
using Bunit;
using LearningNavigator.Escalations;
using LearningNavigator.Tests.Web.Chat;
using LearningNavigator.Web.Components.Pages.Chat;
using LearningNavigator.Web.Components.Pages.Escalations;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Tests.Web.Escalations;

/// <summary>"Ask a person" in the chat and the admin queue, over the real domain.</summary>
public sealed class EscalationComponentTests() : DomainChatTestContext("ln-bunit-esc", TimeSpan.Zero)
{
    internal static readonly EscalationActor Admin = new("user-admin", "Ada Admin", AppRoles.Admin);

    private EscalationService Service => Services.GetRequiredService<EscalationService>();

    [Fact]
    public async Task Ask_a_person_refuses_a_bad_address_then_queues_and_shows_the_resolution_live()
    {
        var page = Render<ChatPage>();
        await AskAsync(page, "How do I order participant manuals?");

        page.Find("[data-testid=ask-person-open]").Click();
        Assert.Equal("instructor@example.org", page.Find("[data-testid=ask-person-email]").GetAttribute("value"));
        page.Find("[data-testid=ask-person-email]").Change("not-an-address");
        await page.Find("form[data-testid=ask-person-form]").SubmitAsync();

        Assert.Contains("name@example.org", page.Find("[data-testid=ask-person-error]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find("[data-testid=ask-person-email]").GetAttribute("aria-invalid"));
        Assert.Empty(await Service.ListMineAsync(Instructor, CancellationToken.None));

        page.Find("[data-testid=ask-person-email]").Change("ana@example.org");
        page.Find("[data-testid=ask-person-note]").Change("A client asked me this.");
        await page.Find("form[data-testid=ask-person-form]").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal("Sent to a person: New", page.Find("[data-testid=escalation-status]").TextContent.Trim()));
        var escalation = Assert.Single(await Service.ListMineAsync(Instructor, CancellationToken.None));
        Assert.Equal(("ana@example.org", "A client asked me this.", "How do I order participant manuals?"), (escalation.ContactEmail, escalation.Note, escalation.Question));

        await Service.ResolveAsync(Admin, escalation.Id, "Order them from the **materials portal**.", CancellationToken.None);

        page.WaitForAssertion(() => Assert.Contains("Answer from Ada Admin", page.Find("[data-testid=escalation-resolution]").TextContent, StringComparison.Ordinal));
        Assert.Equal("materials portal", page.Find("[data-testid=escalation-resolution] strong").TextContent);
        Assert.Empty(page.FindAll("[data-testid=ask-person-open]"));
    }

    internal static readonly EscalationActor Instructor = new(UserId, "instructor@example.org", AppRoles.Instructor);

    /// <summary>An instructor's real answer, escalated.</summary>
    internal static async Task<Escalation> RaiseAsync(IServiceProvider services, string question)
    {
        LearningNavigator.Conversations.StoredMessage? answer = null;
        await foreach (var update in services.GetRequiredService<LearningNavigator.Chat.AnswerPipeline>().AskAsync(
            new LearningNavigator.Chat.AskRequest { UserId = UserId, Role = AppRoles.Instructor, ConversationId = $"conv-{Guid.NewGuid():N}", Text = question }, CancellationToken.None))
        {
            if (update is LearningNavigator.Chat.AnswerCompleted completed)
            {
                answer = completed.AssistantMessage;
            }
        }

        return await services.GetRequiredService<EscalationService>().RaiseAsync(Instructor, new EscalationRequest { MessageId = answer!.Id, ContactEmail = "ana@example.org" }, CancellationToken.None);
    }
}

/// <summary>The admin queue page, signed in as an admin.</summary>
public sealed class EscalationQueuePageTests : DomainChatTestContext
{
    private static readonly EscalationActor Admin = EscalationComponentTests.Admin;

    public EscalationQueuePageTests()
        : base("ln-bunit-esc-queue", TimeSpan.Zero)
    {
        // Replaces the instructor the base context signs in.
        var auth = AddAuthorization();
        auth.SetAuthorized("admin@example.org");
        auth.SetRoles(AppRoles.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, Admin.Id));
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    private EscalationService Service => Services.GetRequiredService<EscalationService>();

    [Fact]
    public async Task The_queue_filters_by_status_and_the_admin_assigns_notes_and_resolves_in_spanish()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("es");
        var first = await EscalationComponentTests.RaiseAsync(Services, "How do I order participant manuals?");
        var second = await EscalationComponentTests.RaiseAsync(Services, "How do I invoice for a course I taught?");
        await Service.StartAsync(Admin, first.Id, CancellationToken.None);

        var page = Render<EscalationsPage>();
        Assert.Equal(2, page.FindAll("[data-testid=escalation-row]").Count);
        page.Find("[data-testid=escalation-status-filter]").Change(nameof(EscalationStatus.InProgress));
        var row = Assert.Single(page.FindAll("[data-testid=escalation-row]"));
        Assert.Equal(first.Id, row.GetAttribute("data-escalation-id"));
        Assert.Contains("En curso", row.TextContent, StringComparison.Ordinal);

        page.Find("[data-testid=escalation-status-filter]").Change(nameof(EscalationStatus.New));
        page.Find("[data-testid=escalation-row] .row-link").Click();
        Assert.Equal($"admin/conversations/{second.ConversationId}", page.Find("[data-testid=escalation-transcript]").GetAttribute("href"));
        page.Find("[data-testid=escalation-note-input]").Change("Lo miro con el equipo de facturación.");
        page.Find("[data-testid=escalation-add-note] ").Click();
        page.WaitForAssertion(() => Assert.Contains("Lo miro con el equipo", page.Find("[data-testid=escalation-notes]").TextContent, StringComparison.Ordinal));

        page.Find("[data-testid=escalation-resolve]").Click();
        Assert.Equal("Escriba la respuesta antes de resolver.", page.Find("[data-testid=escalation-message]").TextContent);
        Assert.Equal(EscalationStatus.New, (await Service.GetAsync(Admin, second.Id, CancellationToken.None))!.Status);

        page.Find("[data-testid=escalation-resolution-input]").Change("Envíe la factura desde el portal.");
        page.Find("[data-testid=escalation-resolve]").Click();

        page.WaitForAssertion(() => Assert.Equal("Resolved", page.Find("[data-testid=escalation-detail]").GetAttribute("data-status")));
        var resolved = (await Service.GetAsync(Admin, second.Id, CancellationToken.None))!;
        Assert.Equal(("Envíe la factura desde el portal.", "admin@example.org", 1), (resolved.ResolutionAnswer, resolved.ResolvedBy, resolved.Notes.Count));
        // Once resolved it stays open to publish, for the asker's role by default.
        Assert.True(page.Find("[data-testid=publish-role-instructor]").HasAttribute("checked"));
        Assert.False(page.Find("[data-testid=publish-role-staff]").HasAttribute("checked"));
    }
}
