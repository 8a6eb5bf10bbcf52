using System.Globalization;
using Bunit;
using LearningNavigator.Analytics;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.Sqlite;
using LearningNavigator.Documents;
using LearningNavigator.Escalations;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Components.Pages.Admin.Analytics;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Web.Admin.Analytics;

public sealed class AnalyticsComponentTests : ComponentTestContext, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 7, 16, 15, 30, 0, TimeSpan.Zero);
    private readonly CultureInfo culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo uiCulture = CultureInfo.CurrentUICulture;
    private readonly TempDirectory data = new("ln-analytics-ui");

    public AnalyticsComponentTests()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-US");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = uiCulture;
        // MudBlazor's services only dispose asynchronously.
        await DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        data.Dispose();
    }

    [Fact]
    public void Cards_show_each_figure_in_the_readers_culture_and_a_dash_for_unknowns()
    {
        var cards = new AnalyticsCards
        {
            Conversations = 1234, Messages = 5678, ActiveUsers = 42, ThumbsUp = 3, ThumbsDown = 1, PositiveFeedbackShare = 0.75,
            OpenEscalations = null, LatencyP50Ms = 1500, LatencyP95Ms = 4250, TimeToFirstTokenP95Ms = 750,
            CostUsd = 12.5m, MonthToDateCostUsd = 80m, MonthlyBudgetUsd = 100m, BudgetShare = 0.8,
        };

        var view = Render<AnalyticsCardsView>(p => p.Add(c => c.Cards, cards));

        string Value(string id) => view.Find($"[data-testid='card-{id}-value']").TextContent;
        Assert.Equal(("1,234", "5,678", "42", "75%", "—"), (Value("conversations"), Value("messages"), Value("active-users"), Value("positive-feedback"), Value("open-escalations")));
        Assert.Equal(("1.50 s", "4.25 s", "0.75 s", "$12.50"), (Value("latency-p50"), Value("latency-p95"), Value("ttft-p95"), Value("cost")));
        Assert.Contains("This month $80.00 of $100 (80%)", view.Find("[data-testid='card-cost']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_rows_open_the_transcript_and_each_table_links_its_csv_for_the_same_selection()
    {
        var tables = new AnalyticsTables
        {
            TopQuestions = [new AskedQuestion("How do I submit an invoice?", 3, 2, "conv-1", Now)],
            QuestionsScanned = 3,
            WeakAnswers = [new WeakAnswer("¿Cómo envío la factura?", WeakAnswerReason.ThumbsDown, AppRoles.Staff, "es", Now, "conv-2")],
            MostCited = [new CitedDocument("doc-a", "Invoicing guide", 7)],
            NeverCited = [],
        };

        var view = Render<AnalyticsTablesView>(p => p.Add(c => c.Tables, tables).Add(c => c.Query, "?range=30d&role=staff").Add(c => c.Zone, TimeZoneInfo.Utc));

        Assert.Equal(
            ["admin/conversations/conv-1", "admin/conversations/conv-2"],
            view.FindAll("tbody a").Select(a => a.GetAttribute("href")));
        Assert.Equal("admin/analytics/export/weak-answers?range=30d&role=staff", view.Find("[data-testid='csv-weak-answers']").GetAttribute("href"));
        Assert.Contains("Thumbs down", view.Find("[data-testid='table-weak-answers'] tbody").TextContent, StringComparison.Ordinal);
        Assert.Equal("Nothing in this range.", view.Find("[data-testid='table-never-cited'] .empty").TextContent);
    }

    [Fact]
    public async Task The_page_reads_its_selection_from_the_address_and_shows_the_report_and_banners()
    {
        var store = new SqliteConversationStore(Options.Create(new SqliteStorageOptions { DatabasePath = data.Combine("navigator.db") }));
        await store.CreateConversationAsync(new Conversation { Id = "conv-1", UserId = "ana", Title = "t", CreatedAt = Now, UpdatedAt = Now }, CancellationToken.None);
        await store.SaveMessageAsync(new StoredMessage { Id = "q", ConversationId = "conv-1", Author = MessageAuthor.User, Text = "Where are the slides?", CreatedAt = Now.AddMinutes(-5), Role = AppRoles.Staff }, CancellationToken.None);
        await store.SaveMessageAsync(new StoredMessage { Id = "a", ConversationId = "conv-1", Author = MessageAuthor.Assistant, Text = "Here.", CreatedAt = Now.AddMinutes(-4), Role = AppRoles.Staff, LatencyMs = 4000 }, CancellationToken.None);
        Services.AddSingleton<IConversationStore>(store);
        Services.AddSingleton<IDocumentLibrary>(new FixedDocumentLibrary(("doc-a", "Invoicing guide")));
        Services.AddSingleton<IEscalationStatistics>(new InMemoryEscalationStatistics());
        Services.AddSingleton(new AnalyticsService(store, store, new FixedDocumentLibrary(("doc-a", "Invoicing guide")), [], Options.Create(new AnalyticsOptions()), new FixedTimeProvider(Now)));
        Services.GetRequiredService<NavigationManager>().NavigateTo("admin/analytics?range=today&role=staff");

        var page = Render<AnalyticsPage>();

        // bUnit's default second is short for a first report on a loaded machine (it failed once in a full run).
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid='card-messages-value']").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("1", page.Find("[data-testid='card-active-users-value']").TextContent);
        Assert.NotNull(page.Find("[data-testid='banner-latency']"));
        Assert.Empty(page.FindAll("[data-testid='banner-budget']"));
        Assert.Contains("Where are the slides?", page.Find("[data-testid='table-questions']").TextContent, StringComparison.Ordinal);
        Assert.Equal(4, page.FindAll("figure").Count);
        store.Dispose();
    }

    [Fact]
    public async Task The_transcript_shows_times_in_the_dashboards_zone_not_the_servers()
    {
        using var store = new SqliteConversationStore(Options.Create(new SqliteStorageOptions { DatabasePath = data.Combine("navigator.db") }));
        await store.CreateConversationAsync(new Conversation { Id = "conv-1", UserId = "ana", Title = "Slides", CreatedAt = Now, UpdatedAt = Now }, CancellationToken.None);
        await store.SaveMessageAsync(new StoredMessage { Id = "q", ConversationId = "conv-1", Author = MessageAuthor.User, Text = "Where are the slides?", CreatedAt = Now, Role = AppRoles.Staff }, CancellationToken.None);
        Services.AddSingleton<IConversationStore>(store);
        Services.AddSingleton(new AnalyticsService(
            store, store, new FixedDocumentLibrary(), [], Options.Create(new AnalyticsOptions { TimeZone = "Asia/Tokyo" }), new FixedTimeProvider(Now)));

        var page = Render<LearningNavigator.Web.Components.Pages.Admin.Conversations.ConversationTranscriptPage>(p => p.Add(c => c.ConversationId, "conv-1"));

        // 15:30 UTC is 00:30 the next day in Tokyo.
        page.WaitForAssertion(() => Assert.Contains("7/17/2025 12:30", page.Find(".meta").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains("7/17/2025 12:30", page.Find("[data-testid='transcript-message'] .who").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_range_without_days_is_explained_instead_of_guessed()
    {
        Assert.Equal(
            new AnalyticsSelection(AnalyticsPeriod.Custom, new DateOnly(2025, 7, 1), null, AppRoles.Staff, "es"),
            AnalyticsSelection.Parse("?range=custom&from=2025-07-01&to=yesterday&role=staff&lang=es"));
        Assert.Equal(AnalyticsSelection.Default, AnalyticsSelection.Parse("?range=forever&role=wizard&lang=fr"));
        Assert.Equal("?range=custom&from=2025-07-01&to=2025-07-09&lang=es", new AnalyticsSelection(AnalyticsPeriod.Custom, new(2025, 7, 1), new(2025, 7, 9), null, "es").ToQuery());
    }
}
