using System.Text.Json;
using LearningNavigator.Escalations;
using LearningNavigator.Escalations.Notifications;
using LearningNavigator.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using static LearningNavigator.Tests.Domain.Escalations.EscalationTestBed;

namespace LearningNavigator.Tests.Domain.Escalations;

public sealed class EscalationNotificationTests
{
    private const string SmtpUser = "navigator";
    private const string SmtpPassword = "s3cret-Pa55";

    [Fact]
    public async Task Resolving_e_mails_the_asker_the_answer_through_an_authenticated_SMTP_server_on_loopback()
    {
        await using var smtp = new LoopbackSmtpServer(SmtpUser, SmtpPassword);
        var options = new SmtpOptions
        {
            Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "navigator@example.org",
            UserName = SmtpUser, Password = SmtpPassword, AppUrl = "https://navigator.example.org/",
        };
        using var bed = new EscalationTestBed([new SmtpEscalationNotifier(Options.Create(options))]);
        var escalation = await bed.RaiseAsync(Instructor, await bed.AnswerAsync(Instructor), "ana@example.org");
        Assert.Empty(smtp.Messages);

        await bed.Service.StartAsync(Admin, escalation.Id, Ct);
        Assert.Empty(smtp.Messages);
        await bed.Service.ResolveAsync(Admin, escalation.Id, "Yes: the adult course also runs online, in two sessions.", Ct);

        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("ana@example.org", Assert.Single(mail.To.Mailboxes).Address);
        Assert.Equal("navigator@example.org", Assert.Single(mail.From.Mailboxes).Address);
        Assert.Equal("Your question has been answered", mail.Subject);
        Assert.Equal(escalation.Id, mail.Headers["X-Escalation-Id"]);
        Assert.Contains("Yes: the adult course also runs online, in two sessions.", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("> Can I teach the adult course online?", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"https://navigator.example.org/c/{escalation.ConversationId}", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal([$"{SmtpUser}:accepted"], smtp.Logins);
    }

    [Fact]
    public void A_spanish_question_gets_a_spanish_e_mail()
    {
        var escalation = ResolvedSample() with { Language = "es", Question = "¿Puedo dar el curso en línea?", ResolutionAnswer = "Sí, en dos sesiones." };

        var mail = SmtpEscalationNotifier.Compose(escalation, new SmtpOptions { Host = "h", From = "navigator@example.org" });

        Assert.Equal("Su pregunta tiene respuesta", mail.Subject);
        Assert.Contains("Sí, en dos sesiones.", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("/c/", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_mail_server_is_down_the_escalation_is_still_resolved_and_the_log_holds_no_address_or_answer()
    {
        var options = new SmtpOptions { Host = "127.0.0.1", Port = ClosedPort(), Security = "None", From = "navigator@example.org", UserName = SmtpUser, Password = SmtpPassword };
        var logger = new ListLogger();
        using var bed = new EscalationTestBed([new SmtpEscalationNotifier(Options.Create(options))], logger);
        var escalation = await bed.RaiseAsync(Instructor, await bed.AnswerAsync(Instructor), "ana@example.org");

        var resolved = await bed.Service.ResolveAsync(Admin, escalation.Id, "Yes, online too.", Ct);

        Assert.Equal(EscalationStatus.Resolved, (await bed.Store.GetAsync(resolved.Id, Ct))!.Status);
        var warning = Assert.Single(logger.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal));
        Assert.Contains(escalation.Id, warning, StringComparison.Ordinal);
        foreach (var secret in new[] { "ana@example.org", "Yes, online too.", SmtpPassword, "adult course" })
        {
            Assert.DoesNotContain(logger.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_wrong_SMTP_setting_fails_at_start_naming_the_key_and_never_showing_the_password()
    {
        var provider = Provider(new()
        {
            ["Escalations:Smtp:Host"] = "smtp.example.org",
            ["Escalations:Smtp:Port"] = "70000",
            ["Escalations:Smtp:From"] = "not-an-address",
            ["Escalations:Smtp:Security"] = "Sometimes",
            ["Escalations:Smtp:UserName"] = "navigator",
            ["Escalations:Smtp:AppUrl"] = "navigator.example.org",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SmtpOptions>>().Value);

        Assert.Contains("Escalations:Smtp:Port is 70000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Escalations:Smtp:From", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Escalations:Smtp:Security", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Escalations:Smtp:Password is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Escalations:Smtp:AppUrl", ex.Message, StringComparison.Ordinal);

        var withPassword = Provider(new() { ["Escalations:Smtp:Host"] = "smtp.example.org", ["Escalations:Smtp:From"] = "bad", ["Escalations:Smtp:UserName"] = "u", ["Escalations:Smtp:Password"] = SmtpPassword });
        var again = Assert.Throws<OptionsValidationException>(() => withPassword.GetRequiredService<IOptions<SmtpOptions>>().Value);
        Assert.DoesNotContain(SmtpPassword, again.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SmtpPassword, new SmtpOptions { Host = "h", UserName = "u", Password = SmtpPassword }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_settings_e_mail_and_Zendesk_are_off_and_start_cleanly()
    {
        var provider = Provider([]);

        Assert.False(provider.GetRequiredService<IOptions<SmtpOptions>>().Value.Enabled);
        Assert.False(provider.GetRequiredService<IOptions<ZendeskOptions>>().Value.Enabled);
        Assert.Equal(["smtp", "zendesk"], provider.GetServices<IEscalationNotifier>().Select(n => n.Name));
    }

    [Fact]
    public async Task A_new_escalation_opens_a_Zendesk_ticket_with_token_auth_and_the_documented_JSON()
    {
        await using var zendesk = new FakeZendesk("agent@example.org", "zd-token-123");
        var provider = Provider(new()
        {
            ["Escalations:Zendesk:Enabled"] = "true",
            ["Escalations:Zendesk:BaseUrl"] = zendesk.BaseUrl.ToString(),
            ["Escalations:Zendesk:Email"] = "agent@example.org",
            ["Escalations:Zendesk:ApiToken"] = "zd-token-123",
        });
        using var bed = new EscalationTestBed(provider.GetServices<IEscalationNotifier>());

        var escalation = await bed.RaiseAsync(Instructor, await bed.AnswerAsync(Instructor, lowConfidence: true), "ana@example.org", "A client asked.");

        var request = Assert.Single(zendesk.Requests);
        Assert.Equal(("POST", "/api/v2/tickets.json"), (request.Method, request.RawTarget));
        Assert.Equal("Basic YWdlbnRAZXhhbXBsZS5vcmcvdG9rZW46emQtdG9rZW4tMTIz", request.Headers["authorization"]);
        Assert.StartsWith("application/json", request.Headers["content-type"], StringComparison.Ordinal);
        using var json = JsonDocument.Parse(request.BodyText);
        var ticket = json.RootElement.GetProperty("ticket");
        Assert.Equal("Learning Navigator: Can I teach the adult course online?", ticket.GetProperty("subject").GetString());
        Assert.Equal("ana@example.org", ticket.GetProperty("requester").GetProperty("email").GetString());
        Assert.Equal(escalation.Id, ticket.GetProperty("external_id").GetString());
        Assert.Equal("normal", ticket.GetProperty("priority").GetString());
        Assert.False(ticket.GetProperty("comment").GetProperty("public").GetBoolean());
        Assert.Contains("Note from the asker: A client asked.", ticket.GetProperty("comment").GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("learning-navigator", ticket.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task A_refused_Zendesk_token_is_an_error_the_service_logs_without_losing_the_escalation()
    {
        await using var zendesk = new FakeZendesk("agent@example.org", "right-token");
        var provider = Provider(new()
        {
            ["Escalations:Zendesk:Enabled"] = "true",
            ["Escalations:Zendesk:BaseUrl"] = zendesk.BaseUrl.ToString(),
            ["Escalations:Zendesk:Email"] = "agent@example.org",
            ["Escalations:Zendesk:ApiToken"] = "wrong-token",
        });
        var zendeskNotifier = provider.GetRequiredService<ZendeskEscalationNotifier>();
        await Assert.ThrowsAsync<HttpRequestException>(() => zendeskNotifier.EscalationRaisedAsync(ResolvedSample(), Ct));

        var logger = new ListLogger();
        using var bed = new EscalationTestBed([zendeskNotifier], logger);
        var escalation = await bed.RaiseAsync(Instructor, await bed.AnswerAsync(Instructor));

        Assert.NotNull(await bed.Store.GetAsync(escalation.Id, Ct));
        Assert.Contains(logger.Lines, l => l.Contains("zendesk", StringComparison.Ordinal) && l.Contains(escalation.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, l => l.Contains("wrong-token", StringComparison.Ordinal));
    }

    [Fact]
    public void Zendesk_settings_are_checked_only_when_it_is_enabled_and_name_the_key()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Provider(new()
        {
            ["Escalations:Zendesk:Enabled"] = "true",
            ["Escalations:Zendesk:BaseUrl"] = "http://example.zendesk.com",
        }).GetRequiredService<IOptions<ZendeskOptions>>().Value);

        Assert.Contains("Escalations:Zendesk:BaseUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Escalations:Zendesk:Email", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Escalations:Zendesk:ApiToken is missing", ex.Message, StringComparison.Ordinal);
    }

    private static Escalation ResolvedSample() => EscalationStoreContractTests.NewEscalation() with
    {
        Status = EscalationStatus.Resolved,
        ResolutionAnswer = "Yes.",
    };

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddConversationStoreForTests(configuration);
        services.AddEscalations(configuration);
        return services.BuildServiceProvider();
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ListLogger : ILogger<EscalationService>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add($"{logLevel} {formatter(state, exception)} {exception}");
            }
        }
    }
}

internal static class EscalationTestServices
{
    /// <summary>Storage options only; the escalation registrations resolve their store lazily and these tests never do.</summary>
    public static IServiceCollection AddConversationStoreForTests(this IServiceCollection services, IConfiguration configuration) =>
        LearningNavigator.Conversations.ConversationsServiceCollectionExtensions.AddConversationStore(services, configuration);
}
