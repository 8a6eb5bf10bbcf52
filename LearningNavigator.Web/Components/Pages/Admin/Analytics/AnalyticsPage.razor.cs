using System.Globalization;
using LearningNavigator.Analytics;
using Microsoft.AspNetCore.Components;

namespace LearningNavigator.Web.Components.Pages.Admin.Analytics;

/// <summary>
/// The admin dashboard. The selection lives in the address (shareable, and what the CSV links export); every
/// figure comes from <see cref="AnalyticsService"/>.
/// </summary>
public sealed partial class AnalyticsPage : IDisposable
{
    private AnalyticsSelection selection = AnalyticsSelection.Default;
    private AnalyticsReport? report;
    private string? problem;
    private bool interactive;

    [Inject] private AnalyticsService Analytics { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private string RangeText => report is null ? "" : string.Format(
        CultureInfo.CurrentCulture, L["Analytics.RangeText"], report.Range.From.ToString("D", CultureInfo.CurrentCulture),
        report.Range.To.ToString("D", CultureInfo.CurrentCulture), report.Range.Days);

    protected override void OnInitialized() => Navigation.LocationChanged += OnLocationChanged;

    protected override Task OnParametersSetAsync() => LoadAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            interactive = true;
            StateHasChanged();
        }
    }

    private async Task LoadAsync()
    {
        selection = AnalyticsSelection.Parse(new Uri(Navigation.Uri).Query);
        var (range, rangeProblem) = selection.Resolve(Analytics);
        problem = rangeProblem;
        report = range is null ? null : await Analytics.GetReportAsync(range, selection.Filter, CancellationToken.None);
    }

    private void OnLocationChanged(object? sender, Microsoft.AspNetCore.Components.Routing.LocationChangedEventArgs e) =>
        _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });

    private void Apply(AnalyticsSelection next) => Navigation.NavigateTo("admin/analytics" + next.ToQuery());

    private void SetPeriod(AnalyticsPeriod period)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Analytics.Zone).DateTime);
        Apply(period == AnalyticsPeriod.Custom
            ? selection with { Period = period, From = selection.From ?? today.AddDays(-6), To = selection.To ?? today }
            : selection with { Period = period });
    }

    private void SetFrom(DateTime? date) => Apply(selection with { From = date is { } d ? DateOnly.FromDateTime(d) : null });

    private void SetTo(DateTime? date) => Apply(selection with { To = date is { } d ? DateOnly.FromDateTime(d) : null });

    private void SetRole(string role) => Apply(selection with { Role = role.Length == 0 ? null : role });

    private void SetLanguage(string language) => Apply(selection with { Language = language.Length == 0 ? null : language });

    private static DateTime? ToDate(DateOnly? day) => day?.ToDateTime(TimeOnly.MinValue);

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;
}
