using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Documents;

/// <summary>Bound from "Library".</summary>
public sealed class LibraryOptions
{
    public const string SectionName = "Library";

    /// <summary>The folder holding library.json and the documents it lists; seeded into the library at first start.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Library:Path is required.")]
    public string Path { get; set; } = "SampleLibrary";

    /// <summary>Where uploaded files and the library catalog (catalog.db) are kept.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Library:StoragePath is required.")]
    public string StoragePath { get; set; } = "App_Data/library";

    /// <summary>The largest file accepted, in megabytes.</summary>
    [Range(1, 2048, ErrorMessage = "Library:MaxFileMegabytes must be between 1 and 2048.")]
    public int MaxFileMegabytes { get; set; } = 50;

    public long MaxFileBytes => MaxFileMegabytes * 1024L * 1024L;
}
