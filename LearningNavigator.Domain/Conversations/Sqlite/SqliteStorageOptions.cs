using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Conversations.Sqlite;

/// <summary>Bound from <c>Storage:Sqlite</c>.</summary>
public sealed class SqliteStorageOptions
{
    public const string SectionName = "Storage:Sqlite";

    /// <summary>The database file; its folder is created if missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DatabasePath { get; set; } = "App_Data/navigator.db";

    /// <summary>
    /// When a commit is flushed to disk. <see cref="SqliteSynchronous.Normal"/> (the default) survives the app
    /// crashing or being killed at any point; only a power cut or an operating-system crash can lose the last
    /// commits. <see cref="SqliteSynchronous.Full"/> survives those too, at the price of one disk flush per write,
    /// which serialises every chat write behind the disk.
    /// </summary>
    [EnumDataType(typeof(SqliteSynchronous))]
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Normal;
}

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels that are safe with its write-ahead log.</summary>
public enum SqliteSynchronous
{
    Normal = 1,
    Full = 2,
}
