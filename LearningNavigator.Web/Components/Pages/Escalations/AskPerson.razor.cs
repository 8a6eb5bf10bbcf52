using LearningNavigator.Escalations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace LearningNavigator.Web.Components.Pages.Escalations;

/// <summary>
/// "Ask a person" on an answer: a small form for an e-mail address and a note, then the escalation's status, and the
/// person's answer once resolved. A resolution made while the chat is open appears without a reload.
/// </summary>
public sealed partial class AskPerson : IDisposable
{
    private EscalationActor? actor;
    private EscalationService? service;
    private Escalation? escalation;
    private bool open;
    private bool sending;
    private string email = string.Empty;
    private string? note;
    private string? error;
    private string? problemField;

    [Parameter, EditorRequired]
    public required string MessageId { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    // The message view is also rendered alone (component tests, previews) where escalation is not wired: then the
    // action simply is not offered.
    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    private string StatusLine => escalation is null ? string.Empty
        : escalation.Status == EscalationStatus.Resolved ? L["Escalations.Answered"]
        : L["Escalations.SentStatus", EscalationText.Status(L, escalation.Status)];

    protected override async Task OnInitializedAsync()
    {
        service = Services.GetService<EscalationService>();
        if (service is null || AuthenticationState is null)
        {
            return;
        }

        var principal = (await AuthenticationState).User;
        actor = EscalationText.ActorOf(principal);
        if (actor is null)
        {
            return;
        }

        email = EscalationText.EmailOf(principal);
        escalation = await service.GetForMessageAsync(actor, MessageId, CancellationToken.None);
        service.Changed += OnEscalationChanged;
    }

    private void Open()
    {
        open = true;
        error = null;
    }

    private void Cancel()
    {
        open = false;
        error = null;
        problemField = null;
    }

    private async Task SendAsync()
    {
        if (service is null || actor is null || sending)
        {
            return;
        }

        sending = true;
        try
        {
            escalation = await service.RaiseAsync(actor, new EscalationRequest { MessageId = MessageId, ContactEmail = email, Note = note }, CancellationToken.None);
            open = false;
            error = null;
        }
        catch (Exception ex) when (EscalationText.IsRefusal(ex))
        {
            error = EscalationText.Problem(L, ex);
            problemField = (ex as ArgumentException)?.ParamName;
        }
        finally
        {
            sending = false;
        }
    }

    private void OnEscalationChanged(Escalation changed)
    {
        // Events can arrive out of order from two admins; an older version never replaces a newer one.
        if (changed.MessageId == MessageId && changed.UserId == actor?.Id && changed.Version >= (escalation?.Version ?? 0))
        {
            _ = InvokeAsync(() =>
            {
                escalation = changed;
                StateHasChanged();
            });
        }
    }

    public void Dispose()
    {
        if (service is not null)
        {
            service.Changed -= OnEscalationChanged;
        }
    }
}
