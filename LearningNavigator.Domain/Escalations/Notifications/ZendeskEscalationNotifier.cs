using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Escalations.Notifications;

/// <summary>
/// Opens a Zendesk ticket for each new escalation (<c>POST /api/v2/tickets.json</c>), with the asker as requester,
/// so a support team that lives in Zendesk sees the queue there too. Off unless <c>Escalations:Zendesk:Enabled</c>.
/// </summary>
public sealed class ZendeskEscalationNotifier(HttpClient http, IOptions<ZendeskOptions> options) : IEscalationNotifier
{
    public string Name => "zendesk";

    public async Task EscalationRaisedAsync(Escalation escalation, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.BaseUrl!.TrimEnd('/') + "/"), "api/v2/tickets.json"))
        {
            Content = JsonContent.Create(TicketOf(escalation)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Email}/token:{settings.ApiToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Zendesk refused the ticket: HTTP {(int)response.StatusCode}.", null, response.StatusCode);
        }
    }

    internal static TicketEnvelope TicketOf(Escalation escalation)
    {
        var body = new StringBuilder()
            .AppendLine($"Question: {escalation.Question}")
            .AppendLine()
            .AppendLine($"Answer given: {escalation.Answer}");
        if (escalation.Citations.Count > 0)
        {
            body.AppendLine().AppendLine("Sources: " + string.Join("; ", escalation.Citations.Select(c => $"[{c.Number}] {c.Title}")));
        }

        if (escalation.Note is not null)
        {
            body.AppendLine().AppendLine($"Note from the asker: {escalation.Note}");
        }

        return new TicketEnvelope(new Ticket(
            Subject: "Learning Navigator: " + Shorten(escalation.Question, 80),
            Comment: new TicketComment(body.ToString(), Public: false),
            Requester: new TicketRequester(escalation.ContactEmail, escalation.ContactEmail),
            ExternalId: escalation.Id,
            Priority: escalation.Reason == EscalationReason.LowConfidence ? "normal" : "low",
            Tags: ["learning-navigator", "escalation", escalation.Role, escalation.Language]));
    }

    private static string Shorten(string text, int length)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= length ? line : line[..(length - 1)] + "…";
    }

    internal sealed record TicketEnvelope([property: JsonPropertyName("ticket")] Ticket Ticket);

    internal sealed record Ticket(
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("comment")] TicketComment Comment,
        [property: JsonPropertyName("requester")] TicketRequester Requester,
        [property: JsonPropertyName("external_id")] string ExternalId,
        [property: JsonPropertyName("priority")] string Priority,
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);

    internal sealed record TicketComment(
        [property: JsonPropertyName("body")] string Body,
        [property: JsonPropertyName("public")] bool Public);

    internal sealed record TicketRequester(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("email")] string Email);
}
