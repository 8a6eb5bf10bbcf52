using LearningNavigator.Escalations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace LearningNavigator.Web.Components.Pages.Escalations;

/// <summary>The admin queue: filter by status and assignee, pick one, work it in the detail panel.</summary>
public sealed partial class EscalationsPage : IDisposable
{
    private const int QuestionPreview = 90;

    private EscalationActor? actor;
    private IReadOnlyList<Escalation>? escalations;
    private Escalation? selected;
    private string statusFilter = string.Empty;
    private bool mineOnly;
    private bool interactive;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private EscalationService Service { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        actor = EscalationText.ActorOf((await AuthenticationState).User);
        await LoadAsync();
        Service.Changed += OnEscalationChanged;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            interactive = true;
            StateHasChanged();
        }
    }

    /// <param name="keepSelected">After the admin changed the selected one: keep it open (to publish, say) even if it
    /// no longer matches the filter.</param>
    private async Task LoadAsync(bool keepSelected = false)
    {
        if (actor is null)
        {
            return;
        }

        var query = new EscalationQuery
        {
            Status = Enum.TryParse<EscalationStatus>(statusFilter, out var status) ? status : null,
            AssigneeId = mineOnly ? actor.Id : null,
        };
        escalations = await Service.ListQueueAsync(actor, query, CancellationToken.None);
        var first = escalations.Count > 0 ? escalations[0] : null;
        selected = selected is null ? first : escalations.FirstOrDefault(e => e.Id == selected.Id) ?? (keepSelected ? selected : first);
    }

    private async Task OnStatusFilterAsync(ChangeEventArgs e)
    {
        statusFilter = e.Value?.ToString() ?? string.Empty;
        await LoadAsync();
    }

    private async Task OnAssigneeFilterAsync(ChangeEventArgs e)
    {
        mineOnly = e.Value?.ToString() == "me";
        await LoadAsync();
    }

    private void Select(Escalation escalation) => selected = escalation;

    private Task OnDetailChanged(Escalation changed)
    {
        selected = changed;
        return LoadAsync(keepSelected: true);
    }

    // Another admin's change, or a new escalation from an asker, refreshes the list in place.
    private void OnEscalationChanged(Escalation changed) => _ = InvokeAsync(async () =>
    {
        await LoadAsync(keepSelected: true);
        StateHasChanged();
    });

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= QuestionPreview ? line : line[..(QuestionPreview - 1)] + "…";
    }

    public void Dispose() => Service.Changed -= OnEscalationChanged;
}
