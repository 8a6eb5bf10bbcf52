using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Conversations.Sqlite;

/// <summary>Bound from <c>Storage:Sqlite</c>.</summary>
public sealed class SqliteStorageOptions
{
    public const string SectionName = "Storage:Sqlite";

    /// <summary>The database file; its folder is created if missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DatabasePath { get; set; } = "App_Data/navigator.db";
}
