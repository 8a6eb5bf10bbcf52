using LearningNavigator.Escalations;
using Microsoft.AspNetCore.Components;

namespace LearningNavigator.Web.Components.Pages.Escalations;

/// <summary>One escalation as the admin works it: notes, assignment, moving on, resolving and publishing.</summary>
public sealed partial class EscalationDetail
{
    private static readonly string[] PublishableRoles = [AppRoles.Instructor, AppRoles.Staff];

    private string? newNote;
    private string? resolution;
    private string? message;
    private bool failed;
    private HashSet<string> publishRoles = [];

    [Parameter, EditorRequired]
    public required Escalation Escalation { get; set; }

    [Parameter, EditorRequired]
    public required EscalationActor Actor { get; set; }

    [Parameter]
    public EventCallback<Escalation> OnChanged { get; set; }

    [Inject]
    private EscalationService Service { get; set; } = default!;

    [Inject]
    private EscalationPublisher Publisher { get; set; } = default!;

    // The asker's role by default: an answer written for an instructor's question is for instructors.
    protected override void OnInitialized() =>
        publishRoles = PublishableRoles.Contains(Escalation.Role) ? [Escalation.Role] : [.. PublishableRoles];

    private Task AddNoteAsync() => RunAsync(async ct =>
    {
        var changed = await Service.AddNoteAsync(Actor, Escalation.Id, newNote, ct);
        newNote = null;
        return changed;
    }, "Escalations.NoteSaved");

    private Task AssignToMeAsync() => RunAsync(ct => Service.AssignAsync(Actor, Escalation.Id, Actor.Id, Actor.Name, ct), "Escalations.Assigned");

    private Task StartAsync() => RunAsync(ct => Service.StartAsync(Actor, Escalation.Id, ct), "Escalations.Started");

    private Task ResolveAsync() => RunAsync(ct => Service.ResolveAsync(Actor, Escalation.Id, resolution, ct), "Escalations.ResolvedMessage");

    private Task PublishAsync() => RunAsync(async ct =>
    {
        await Publisher.PublishAsync(Actor, Escalation.Id, [.. publishRoles], ct);
        return await Service.GetAsync(Actor, Escalation.Id, ct) ?? Escalation;
    }, "Escalations.PublishedMessage");

    private void ToggleRole(string role, ChangeEventArgs e)
    {
        if (e.Value is true)
        {
            publishRoles.Add(role);
        }
        else
        {
            publishRoles.Remove(role);
        }
    }

    /// <summary>Runs one admin action; a refusal shows its reason and leaves the form as typed.</summary>
    private async Task RunAsync(Func<CancellationToken, Task<Escalation>> action, string doneKey)
    {
        try
        {
            var changed = await action(CancellationToken.None);
            (message, failed) = (L[doneKey], false);
            await OnChanged.InvokeAsync(changed);
        }
        catch (Exception ex) when (EscalationText.IsRefusal(ex))
        {
            (message, failed) = (EscalationText.Problem(L, ex), true);
        }
    }
}
