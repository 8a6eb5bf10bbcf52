using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;

namespace LearningNavigator.Infrastructure.Tests;

/// <summary>
/// Synthesises the stack once per test class (jsii starts a Node process; a synth takes seconds) and offers
/// the template both to Amazon.CDK.Assertions and as plain JSON for the checks Assertions cannot express.
/// </summary>
public sealed class SynthesizedStack : IDisposable
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";

    private readonly string outdir = Path.Combine(Path.GetTempPath(), "ln-cdk-" + Guid.NewGuid().ToString("N"));

    public SynthesizedStack()
    {
        Settings = new DeploymentSettings();
        var app = new App(new AppProps { Outdir = outdir });
        var stack = new LearningNavigatorStack(app, Settings.StackName, Settings, new StackProps
        {
            Env = new Amazon.CDK.Environment { Account = Account, Region = Region },
        });
        var assembly = app.Synth();
        Json = File.ReadAllText(assembly.GetStackByName(stack.StackName).TemplateFullPath);
        Template = Template.FromString(Json);
        Root = JsonNode.Parse(Json)!.AsObject();
    }

    public DeploymentSettings Settings { get; }

    public string Json { get; }

    public Template Template { get; }

    public JsonObject Root { get; }

    public IEnumerable<KeyValuePair<string, JsonNode?>> Resources(string type) =>
        Root["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == type);

    /// <summary>The logical id of the one resource of the type whose id starts with the prefix.</summary>
    public string LogicalId(string type, string prefix) =>
        Assert.Single(Resources(type), r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).Key;

    public void Dispose()
    {
        try
        {
            Directory.Delete(outdir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    public static string Compact(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
