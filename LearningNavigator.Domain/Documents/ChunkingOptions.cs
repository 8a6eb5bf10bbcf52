using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Documents;

/// <summary>Chunk size in model tokens (cl100k), bound from "Library:Chunking".</summary>
public sealed class ChunkingOptions : IValidatableObject
{
    [Range(32, 8192)]
    public int MaxTokens { get; set; } = 500;

    [Range(0, 4096)]
    public int OverlapTokens { get; set; } = 50;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Overlap at or above half a chunk would make every piece of text appear in three chunks or more.
        if (OverlapTokens * 2 > MaxTokens)
        {
            yield return new ValidationResult(
                $"OverlapTokens ({OverlapTokens}) must be at most half of MaxTokens ({MaxTokens}).",
                [nameof(OverlapTokens)]);
        }
    }
}
