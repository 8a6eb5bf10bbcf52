using LearningNavigator.Conversations;
using LearningNavigator.Web.Resources;
using Microsoft.Extensions.Localization;

namespace LearningNavigator.Web.Components.Pages.Admin.Analytics;

internal static class AnalyticsText
{
    /// <summary>A role's display name; messages stored without one count as "unknown".</summary>
    public static string RoleName(this IStringLocalizer<Strings> localizer, string? role) =>
        string.IsNullOrEmpty(role) || role == DailyUsage.UnknownRole ? localizer["Analytics.UnknownRole"] : localizer[$"Role.{role}"];
}
