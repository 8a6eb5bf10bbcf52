using System.Text;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LearningNavigator.Escalations.Notifications;

/// <summary>E-mails the asker the resolved answer, in the language they asked in. Does nothing unless a host is set.</summary>
public sealed class SmtpEscalationNotifier(IOptions<SmtpOptions> options) : IEscalationNotifier
{
    public string Name => "smtp";

    public async Task EscalationResolvedAsync(Escalation escalation, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host!, settings.Port, settings.SecureSocket, cancellationToken);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(Compose(escalation, settings), cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    internal static MimeMessage Compose(Escalation escalation, SmtpOptions settings)
    {
        var spanish = escalation.Language == "es";
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.From!));
        message.To.Add(MailboxAddress.Parse(escalation.ContactEmail));
        message.Subject = spanish ? "Su pregunta tiene respuesta" : "Your question has been answered";
        message.Headers.Add("X-Escalation-Id", escalation.Id);

        var body = new StringBuilder()
            .AppendLine(spanish ? "Hola:" : "Hello,")
            .AppendLine()
            .AppendLine(spanish ? "Una persona del equipo ha respondido a su pregunta:" : "A member of the team has answered your question:")
            .AppendLine()
            .AppendLine("> " + escalation.Question.ReplaceLineEndings(Environment.NewLine + "> "))
            .AppendLine()
            .AppendLine(escalation.ResolutionAnswer)
            .AppendLine();
        if (!string.IsNullOrEmpty(settings.AppUrl))
        {
            body.AppendLine(spanish ? "Véala también en la aplicación:" : "You can also see it in the app:")
                .AppendLine($"{settings.AppUrl.TrimEnd('/')}/c/{Uri.EscapeDataString(escalation.ConversationId)}")
                .AppendLine();
        }

        body.AppendLine("Learning Navigator");
        message.Body = new TextPart("plain") { Text = body.ToString() };
        return message;
    }
}
