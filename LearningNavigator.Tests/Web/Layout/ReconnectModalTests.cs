using System.Globalization;
using System.Resources;
using Bunit;
using LearningNavigator.Web.Components.Layout;
using LearningNavigator.Web.Resources;

namespace LearningNavigator.Tests.Web.Layout;

/// <summary>
/// The reconnect dialog replaces the framework's English-only default, so a Spanish speaker who loses the circuit
/// must read Spanish: every visible sentence and button comes from Strings.resx / Strings.es.resx for the page's
/// culture. Blazor finds the dialog and the attempt counter by id, so those must survive localization too.
/// </summary>
public sealed class ReconnectModalTests : ComponentTestContext, IAsyncLifetime
{
    private static readonly ResourceManager Resources = new(typeof(Strings).FullName!, typeof(Strings).Assembly);

    /// <summary>Per state paragraph, the resource keys it shows, in order (text, then a button where there is one).</summary>
    private static readonly (string Selector, string[] Keys)[] States =
    [
        (".when-show", ["Reconnect.Lost"]),
        (".when-retrying", ["Reconnect.Retrying"]),
        (".when-paused", ["Reconnect.Paused", "Reconnect.Continue"]),
        (".when-failed", ["Reconnect.Failed", "Reconnect.TryAgain", "Reconnect.OrReload"]),
        (".when-rejected", ["Reconnect.Ended", "Reconnect.Reload", "Reconnect.Saved"]),
    ];

    private readonly CultureInfo originalCulture = CultureInfo.CurrentCulture;
    private readonly CultureInfo originalUiCulture = CultureInfo.CurrentUICulture;

    [Fact]
    public void Every_state_reads_in_the_page_language_from_the_resources()
    {
        var english = Visible("en-US");
        var spanish = Visible("es-ES");

        foreach (var (selector, keys) in States)
        {
            // Each paragraph is exactly its resources in that culture, so nothing in it is hard-coded.
            Assert.Equal(Expected(keys, "en-US"), english[selector]);
            Assert.Equal(Expected(keys, "es-ES"), spanish[selector]);
            Assert.NotEqual(english[selector], spanish[selector]);
            Assert.All(keys, key => Assert.DoesNotContain(Resources.GetString(key, CultureInfo.InvariantCulture)!, spanish[selector], StringComparison.Ordinal));
        }

        // A control on the expectations themselves: the Spanish set really is Spanish, not a fallback to English.
        Assert.Equal("Intentar de nuevo", Resources.GetString("Reconnect.TryAgain", CultureInfo.GetCultureInfo("es-ES")));
        Assert.Equal("Try again", Resources.GetString("Reconnect.TryAgain", CultureInfo.GetCultureInfo("en-US")));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("es-ES")]
    public void The_ids_and_button_actions_blazor_and_reconnect_js_look_for_are_kept(string culture)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        var modal = Render<ReconnectModal>();

        Assert.NotNull(modal.Find("#components-reconnect-modal"));
        Assert.NotNull(modal.Find(".when-retrying #components-reconnect-current-attempt"));
        Assert.Equal(
            ["resume", "retry", "reload"],
            modal.FindAll("button[data-reconnect]").Select(b => b.GetAttribute("data-reconnect")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        CultureInfo.CurrentCulture = originalCulture;
        CultureInfo.CurrentUICulture = originalUiCulture;
        await DisposeAsync();
    }

    /// <summary>The text of each state paragraph rendered under <paramref name="culture"/>, whitespace collapsed.</summary>
    private Dictionary<string, string> Visible(string culture)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        var modal = Render<ReconnectModal>();
        return States.ToDictionary(s => s.Selector, s => Collapse(modal.Find(s.Selector).TextContent));
    }

    /// <summary>
    /// The resources of <paramref name="keys"/> in <paramref name="culture"/>, joined as the markup joins them.
    /// The retrying line closes the attempt counter's bracket itself: "(attempt N)…", N filled in by Blazor.
    /// </summary>
    private static string Expected(string[] keys, string culture)
    {
        var text = string.Join(' ', keys.Select(k => Resources.GetString(k, CultureInfo.GetCultureInfo(culture))));
        return keys is ["Reconnect.Retrying"] ? text + " )…" : text;
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
