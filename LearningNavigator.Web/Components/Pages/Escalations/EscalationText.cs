using System.Security.Claims;
using LearningNavigator.Escalations;
using LearningNavigator.Web.Auth;
using LearningNavigator.Web.Resources;
using Microsoft.Extensions.Localization;

namespace LearningNavigator.Web.Components.Pages.Escalations;

/// <summary>What the escalation pages share: who is acting, and the words for statuses and refusals.</summary>
public static class EscalationText
{
    public static EscalationActor? ActorOf(ClaimsPrincipal principal) =>
        CurrentUser.From(principal) is { } user ? new EscalationActor(user.Id, user.Name, user.Role) : null;

    /// <summary>Local accounts sign in with their e-mail as the name; an identity provider may send an e-mail claim.</summary>
    public static string EmailOf(ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.Email) ?? (principal.Identity?.Name is { } name && name.Contains('@', StringComparison.Ordinal) ? name : string.Empty);

    public static string Status(IStringLocalizer<Strings> l, EscalationStatus status) => l[$"Escalations.Status.{status}"];

    public static string Reason(IStringLocalizer<Strings> l, EscalationReason reason) => l[$"Escalations.Reason.{reason}"];

    /// <summary>The refusal in the interface's language; the domain's English message names the same field.</summary>
    public static string Problem(IStringLocalizer<Strings> l, Exception exception) => exception switch
    {
        EscalationInputException input => l[$"Escalations.Problem.{input.Problem}"],
        EscalationAccessDeniedException => l["Escalations.NotAllowed"],
        EscalationTransitionException => l["Escalations.IllegalMove"],
        _ => l["Escalations.Failed"],
    };

    public static bool IsRefusal(Exception exception) =>
        exception is EscalationInputException or EscalationAccessDeniedException or EscalationTransitionException;
}
