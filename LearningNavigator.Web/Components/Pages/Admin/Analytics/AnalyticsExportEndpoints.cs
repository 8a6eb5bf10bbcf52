using LearningNavigator.Analytics;
using LearningNavigator.Web.Auth;

namespace LearningNavigator.Web.Components.Pages.Admin.Analytics;

public static class AnalyticsExportEndpoints
{
    /// <summary>
    /// GET /admin/analytics/export/{table}?range=…: the table as the dashboard shows it for the same selection,
    /// as a CSV download. Admins only, like the page.
    /// </summary>
    public static IEndpointRouteBuilder MapAnalyticsExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/analytics/export/{table}", async (string table, HttpContext context, AnalyticsService analytics, CancellationToken cancellationToken) =>
        {
            if (!AnalyticsCsv.Tables.Contains(table))
            {
                return Results.NotFound($"Unknown table '{table}'; one of: {string.Join(", ", AnalyticsCsv.Tables)}.");
            }

            var selection = AnalyticsSelection.Parse(context.Request.QueryString.Value);
            var (range, problem) = selection.Resolve(analytics);
            if (range is null)
            {
                return Results.BadRequest(problem);
            }

            var report = await analytics.GetReportAsync(range, selection.Filter, cancellationToken);
            using var writer = new StringWriter();
            AnalyticsCsv.Write(table, report, writer);
            return Results.File(
                System.Text.Encoding.UTF8.GetBytes(writer.ToString()),
                "text/csv; charset=utf-8",
                $"analytics-{table}-{range.From:yyyy-MM-dd}-{range.To:yyyy-MM-dd}.csv");
        }).RequireAuthorization(Policies.Admin);
        return endpoints;
    }
}
