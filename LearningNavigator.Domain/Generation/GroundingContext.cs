using LearningNavigator.Knowledge;
using Microsoft.Extensions.AI;

namespace LearningNavigator.Generation;

/// <summary>
/// Carries the retrieved passages to a chat client alongside the prompt. The extractive client answers only
/// from these; passage n in an answer's [n] marker is the 1-based index in this list.
/// </summary>
public static class GroundingContext
{
    public const string PassagesKey = "learningnavigator.passages";

    public static ChatOptions WithPassages(this ChatOptions options, IReadOnlyList<RetrievedPassage> passages)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(passages);
        options.AdditionalProperties ??= [];
        options.AdditionalProperties[PassagesKey] = passages;
        return options;
    }

    /// <summary>The passages attached by <see cref="WithPassages"/>, or an empty list when there are none.</summary>
    public static IReadOnlyList<RetrievedPassage> GetPassages(ChatOptions? options) =>
        options?.AdditionalProperties is { } properties
        && properties.TryGetValue(PassagesKey, out var value)
        && value is IReadOnlyList<RetrievedPassage> passages
            ? passages
            : [];
}
