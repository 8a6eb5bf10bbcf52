using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Documents;

/// <summary>Bound from "Library".</summary>
public sealed class LibraryOptions
{
    public const string SectionName = "Library";

    /// <summary>The folder holding library.json and the documents it lists.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "SampleLibrary";
}
