using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Chat;

public sealed class ChatPipelineOptions
{
    public const string SectionName = "Chat";

    /// <summary>How many earlier messages of the conversation go into the prompt.</summary>
    [Range(0, 50)]
    public int HistoryMessages { get; set; } = 6;

    [Range(1, 64_000)]
    public int MaxOutputTokens { get; set; } = 1024;

    [Range(0.0, 1.0)]
    public float Temperature { get; set; } = 0.2f;
}
