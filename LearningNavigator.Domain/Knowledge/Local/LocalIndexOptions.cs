using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Knowledge.Local;

/// <summary>Where the embedded Lucene index lives (section "Retrieval:Local").</summary>
public sealed class LocalIndexOptions
{
    public const string SectionName = "Retrieval:Local";

    /// <summary>Directory of the index; the host makes a relative path absolute before use.</summary>
    [Required(ErrorMessage = "Retrieval:Local:IndexPath is required.")]
    public string IndexPath { get; set; } = "App_Data/index";
}
