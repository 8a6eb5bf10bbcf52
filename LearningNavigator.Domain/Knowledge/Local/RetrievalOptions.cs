using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Knowledge.Local;

/// <summary>Which retriever answers questions and how many passages it returns (section "Retrieval").</summary>
public sealed class RetrievalOptions
{
    public const string SectionName = "Retrieval";
    public const string LocalProvider = "Local";
    public const string BedrockKnowledgeBaseProvider = "BedrockKnowledgeBase";

    [Required(ErrorMessage = "Retrieval:Provider is required.")]
    [AllowedValues(LocalProvider, BedrockKnowledgeBaseProvider, ErrorMessage = "Retrieval:Provider must be 'Local' or 'BedrockKnowledgeBase'.")]
    public string Provider { get; set; } = LocalProvider;

    [Range(1, 50, ErrorMessage = "Retrieval:TopK must be between 1 and 50.")]
    public int TopK { get; set; } = 5;
}
