using System.Net.Mail;
using System.Text.RegularExpressions;

namespace LearningNavigator.Escalations;

/// <summary>The checks on what askers and admins type, in one place so the UI and the service agree.</summary>
public static partial class EscalationInput
{
    public const int MaxEmailLength = 254;
    public const int MaxNoteLength = 1000;
    public const int MaxAnswerLength = 8000;
    public const int MaxAdminNoteLength = 2000;

    /// <summary>The trimmed address, or throws naming <c>ContactEmail</c>.</summary>
    public static string Email(string? value)
    {
        var email = value?.Trim() ?? string.Empty;
        if (email.Length == 0)
        {
            throw new EscalationInputException("ContactEmail", EscalationInputProblem.EmailRequired, "ContactEmail is required: give an e-mail address to send the answer to.");
        }

        // MailAddress alone accepts display names and dotless domains; a reply needs a plain, routable address.
        if (email.Length > MaxEmailLength || !EmailShape().IsMatch(email)
            || !MailAddress.TryCreate(email, out var parsed) || !string.Equals(parsed.Address, email, StringComparison.Ordinal))
        {
            throw new EscalationInputException("ContactEmail", EscalationInputProblem.EmailInvalid, "ContactEmail is not an e-mail address such as name@example.org.");
        }

        return email;
    }

    /// <summary>The trimmed note, null when blank, or throws naming <c>Note</c>.</summary>
    public static string? Note(string? value)
    {
        var note = value?.Trim();
        if (string.IsNullOrEmpty(note))
        {
            return null;
        }

        return note.Length > MaxNoteLength
            ? throw new EscalationInputException("Note", EscalationInputProblem.NoteTooLong, $"Note is {note.Length} characters; keep it to {MaxNoteLength}.")
            : note;
    }

    public static string Answer(string? value)
    {
        var answer = value?.Trim() ?? string.Empty;
        return answer.Length switch
        {
            0 => throw new EscalationInputException("ResolutionAnswer", EscalationInputProblem.AnswerRequired, "ResolutionAnswer is required to resolve an escalation."),
            > MaxAnswerLength => throw new EscalationInputException("ResolutionAnswer", EscalationInputProblem.AnswerTooLong, $"ResolutionAnswer is {answer.Length} characters; keep it to {MaxAnswerLength}."),
            _ => answer,
        };
    }

    public static string AdminNote(string? value)
    {
        var note = value?.Trim() ?? string.Empty;
        return note.Length switch
        {
            0 => throw new EscalationInputException("Text", EscalationInputProblem.AdminNoteRequired, "Text is required: a note cannot be empty."),
            > MaxAdminNoteLength => throw new EscalationInputException("Text", EscalationInputProblem.AdminNoteTooLong, $"Text is {note.Length} characters; keep a note to {MaxAdminNoteLength}."),
            _ => note,
        };
    }

    public static IReadOnlyList<string> Roles(IReadOnlyList<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            throw new EscalationInputException("Roles", EscalationInputProblem.RolesRequired, "Roles is required: choose who may see the published answer.");
        }

        var unknown = roles.FirstOrDefault(r => !AppRoles.IsKnown(r));
        return unknown is not null
            ? throw new EscalationInputException("Roles", EscalationInputProblem.RoleUnknown, $"Roles contains '{unknown}', which is not one of {string.Join(", ", AppRoles.All)}.")
            : [.. roles.Distinct(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")]
    private static partial Regex EmailShape();
}
