using LearningNavigator.Generation;
using LearningNavigator.Generation.Bedrock;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Chat;

/// <summary>
/// When the strong model is worth its price (section "Bedrock:Routing"). Any one rule that matches picks the
/// strong model; otherwise the fast one answers.
/// </summary>
public sealed class ModelRoutingOptions
{
    public const string SectionName = "Bedrock:Routing";

    /// <summary>Questions longer than this many characters go to the strong model.</summary>
    public int StrongWhenQuestionLongerThan { get; set; } = 300;

    /// <summary>Questions with at least this many retrieved passages to weigh go to the strong model.</summary>
    public int StrongWhenPassagesAtLeast { get; set; } = 6;

    /// <summary>Roles always answered by the strong model (for example "admin").</summary>
    public List<string> StrongForRoles { get; set; } = [];
}

/// <summary>Picks the model for one question. Null leaves the choice to the chat client (non-Bedrock providers).</summary>
public sealed class ModelRouter(IOptions<GenerationOptions> generation, IOptions<BedrockOptions> bedrock, IOptions<ModelRoutingOptions> routing)
{
    public string? Choose(string role, string question, int passageCount)
    {
        if (!string.Equals(generation.Value.Provider, GenerationOptions.BedrockProvider, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rules = routing.Value;
        var strong = question.Length > rules.StrongWhenQuestionLongerThan
            || passageCount >= rules.StrongWhenPassagesAtLeast
            || rules.StrongForRoles.Contains(role, StringComparer.OrdinalIgnoreCase);
        return strong ? bedrock.Value.StrongModelId : bedrock.Value.FastModelId;
    }
}
