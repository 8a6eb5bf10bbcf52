using System.Text.RegularExpressions;

namespace LearningNavigator.Infrastructure.Tests;

/// <summary>
/// hadolint is in neither Debian's nor npm's registry and no container engine runs here, so the image's
/// rules are checked by reading the Dockerfile: multi-stage, non-root, a health check, no secrets.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Root = FindRepositoryRoot();
    private static readonly List<Instruction> Instructions = Parse(File.ReadAllText(Path.Combine(Root, "Dockerfile")));

    private static List<Instruction> FinalStage => Instructions[Instructions.FindLastIndex(i => i.Keyword == "FROM")..];

    [Fact]
    public void It_is_multi_stage_and_ships_the_runtime_image_not_the_sdk()
    {
        var stages = Instructions.Where(i => i.Keyword == "FROM").ToList();
        Assert.True(stages.Count >= 2, "The Dockerfile should build in one stage and run in another.");
        Assert.Contains("/dotnet/sdk:", stages[0].Arguments, StringComparison.Ordinal);
        Assert.Contains("/dotnet/aspnet:", stages[^1].Arguments, StringComparison.Ordinal);
        Assert.Contains(FinalStage, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=build", StringComparison.Ordinal));
    }

    [Fact]
    public void The_final_stage_runs_as_a_non_root_user_after_its_last_run_step()
    {
        var stage = FinalStage;
        var user = stage.FindLastIndex(i => i.Keyword == "USER");
        Assert.True(user >= 0, "The final stage sets no USER, so it runs as root.");
        Assert.DoesNotMatch(RootUser(), stage[user].Arguments);
        Assert.True(user > stage.FindLastIndex(i => i.Keyword == "RUN"), "A RUN after USER would suggest root is needed at run time.");
    }

    [Fact]
    public void A_healthcheck_probes_the_live_endpoint_through_the_app_itself()
    {
        var check = Assert.Single(FinalStage, i => i.Keyword == "HEALTHCHECK");
        Assert.Contains("CMD [\"dotnet\", \"LearningNavigator.Web.dll\", \"--healthcheck\"", check.Arguments, StringComparison.Ordinal);
        Assert.Contains("/health/live", check.Arguments, StringComparison.Ordinal);
        Assert.Contains("--interval=", check.Arguments, StringComparison.Ordinal);
        var entry = Assert.Single(FinalStage, i => i.Keyword == "ENTRYPOINT");
        Assert.Equal("[\"dotnet\", \"LearningNavigator.Web.dll\"]", entry.Arguments);
    }

    [Fact]
    public void Data_lives_only_on_the_volume_and_the_port_matches_the_probe()
    {
        var stage = FinalStage;
        Assert.Contains(stage, i => i.Keyword == "VOLUME" && i.Arguments.Contains("/app/App_Data", StringComparison.Ordinal));
        Assert.Contains(stage, i => i.Keyword == "ENV" && i.Arguments.Contains("DataProtection__KeysPath=/app/App_Data/keys", StringComparison.Ordinal));
        Assert.Contains(stage, i => i.Keyword == "ENV" && i.Arguments.Contains("ASPNETCORE_URLS=http://+:8080", StringComparison.Ordinal));
        Assert.Contains(stage, i => i.Keyword == "EXPOSE" && i.Arguments == "8080");
        Assert.Contains("127.0.0.1:8080", Assert.Single(stage, i => i.Keyword == "HEALTHCHECK").Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void No_secret_is_baked_into_the_image_and_local_data_is_not_sent_to_the_build()
    {
        foreach (var instruction in Instructions.Where(i => i.Keyword is "ENV" or "ARG" or "LABEL"))
        {
            Assert.DoesNotMatch(SecretSetting(), instruction.Arguments);
        }

        Assert.DoesNotContain(Instructions, i => i.Keyword is "COPY" or "ADD" && SecretFile().IsMatch(i.Arguments));
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("**/App_Data/", ignored);
        Assert.Contains(".git/", ignored);
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    private sealed record Instruction(string Keyword, string Arguments);

    /// <summary>Instructions with continuation lines joined and comments dropped, as Docker reads them.</summary>
    private static List<Instruction> Parse(string dockerfile)
    {
        var instructions = new List<Instruction>();
        var current = new System.Text.StringBuilder();
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || string.IsNullOrWhiteSpace(line)))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current.Append(line[..^1].Trim()).Append(' ');
                continue;
            }

            current.Append(line.Trim());
            var text = current.ToString();
            current.Clear();
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(new Instruction(text[..space].ToUpperInvariant(), text[(space + 1)..].Trim()));
        }

        return instructions;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LearningNavigator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LearningNavigator.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^(root|0)(:|$)", RegexOptions.IgnoreCase)]
    private static partial Regex RootUser();

    [GeneratedRegex(@"(PASSWORD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|CONNECTIONSTRING)\w*\s*=\s*\S", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSetting();

    [GeneratedRegex(@"(\.env\b|\.pem\b|\.pfx\b|id_rsa|appsettings\.[A-Za-z]+\.local\.json)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretFile();
}
