using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using LearningNavigator.Web.Resources;

namespace LearningNavigator.Tests.Web.Chat;

/// <summary>Every interface string exists in English and Spanish, and every key the components use exists.</summary>
public sealed partial class LocalizationCompletenessTests
{
    private static readonly ResourceManager Resources = new(typeof(Strings).FullName!, typeof(Strings).Assembly);

    [Fact]
    public void Every_english_key_has_a_spanish_translation_and_the_other_way_round()
    {
        var english = Entries(CultureInfo.InvariantCulture);
        var spanish = Entries(CultureInfo.GetCultureInfo("es"));

        Assert.NotEmpty(english);
        Assert.Empty(english.Keys.Except(spanish.Keys).Order());
        Assert.Empty(spanish.Keys.Except(english.Keys).Order());
        Assert.All(spanish, entry => Assert.False(string.IsNullOrWhiteSpace(entry.Value), $"{entry.Key} is blank in Spanish."));
    }

    [Fact]
    public void Format_placeholders_match_between_the_languages()
    {
        var english = Entries(CultureInfo.InvariantCulture);
        var spanish = Entries(CultureInfo.GetCultureInfo("es"));

        foreach (var (key, text) in english)
        {
            Assert.Equal(Placeholders(text), Placeholders(spanish[key]));
        }
    }

    [Fact]
    public void Every_key_used_by_a_component_exists()
    {
        var english = Entries(CultureInfo.InvariantCulture);
        var web = Path.Combine(RepositoryRoot(), "LearningNavigator.Web");
        var used = Directory.EnumerateFiles(web, "*.razor*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LocalizerKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups["key"].Value)))
            .ToList();

        Assert.NotEmpty(used);
        Assert.Empty(used.Where(u => !english.ContainsKey(u.Key)).Select(u => $"{u.File}: {u.Key}"));
    }

    [Fact]
    public void Every_kind_of_document_store_failure_has_a_message()
    {
        // The page builds these keys from the enum, so the scan of literal keys above cannot see them.
        var english = Entries(CultureInfo.InvariantCulture);

        Assert.All(Enum.GetNames<LearningNavigator.Documents.DocumentStoreFailure>(), name => Assert.True(
            english.ContainsKey($"Documents.StoreFailure.{name}"), $"Documents.StoreFailure.{name} is missing."));
    }

    [Fact]
    public void Every_kind_of_aws_failure_has_a_chat_message()
    {
        var english = Entries(CultureInfo.InvariantCulture);

        Assert.All(Enum.GetNames<LearningNavigator.Aws.AwsFailure>(), name => Assert.True(
            english.ContainsKey($"Chat.Cause.{name}"), $"Chat.Cause.{name} is missing."));
    }

    [Fact]
    public void A_missing_translation_is_caught()
    {
        // The check itself must fail on a gap: drop one key from a copy of the Spanish set.
        var english = Entries(CultureInfo.InvariantCulture);
        var spanish = Entries(CultureInfo.GetCultureInfo("es"));
        spanish.Remove("Composer.Send");

        Assert.Equal(["Composer.Send"], english.Keys.Except(spanish.Keys));
    }

    private static Dictionary<string, string> Entries(CultureInfo culture)
    {
        var set = Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No resources for culture '{culture.Name}'.");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    private static List<string> Placeholders(string text) =>
        [.. Placeholder().Matches(text).Select(m => m.Groups["n"].Value).Order()];

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LearningNavigator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (LearningNavigator.sln) was not found above the test output.");
    }

    [GeneratedRegex(@"\bL\[""(?<key>[^""$]+)""")]
    private static partial Regex LocalizerKey();

    [GeneratedRegex(@"\{(?<n>\d+)(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}
