using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Generation;

/// <summary>Tuning of the offline extractive answerer (section "Generation:Extractive").</summary>
public sealed class ExtractiveAnswererOptions
{
    public const string SectionName = "Generation:Extractive";

    /// <summary>Fraction of the question's content words a sentence must contain to be quoted.</summary>
    [Range(0.01, 1.0, ErrorMessage = "Generation:Extractive:MinimumRelevance must be between 0.01 and 1.")]
    public double MinimumRelevance { get; set; } = 0.3;

    /// <summary>Most sentences (a quoted list counts as one) in an answer.</summary>
    [Range(1, 20, ErrorMessage = "Generation:Extractive:MaxSentences must be between 1 and 20.")]
    public int MaxSentences { get; set; } = 4;

    /// <summary>Pause between streamed words, so the offline answer feels like a model typing; zero in tests.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01", ErrorMessage = "Generation:Extractive:WordDelay must be between 00:00:00 and 00:00:01.")]
    public TimeSpan WordDelay { get; set; } = TimeSpan.FromMilliseconds(15);
}
