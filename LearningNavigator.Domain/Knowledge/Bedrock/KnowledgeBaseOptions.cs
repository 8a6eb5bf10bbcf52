namespace LearningNavigator.Knowledge.Bedrock;

/// <summary>The Bedrock Knowledge Base and its S3 data source (section "KnowledgeBase").</summary>
public sealed class KnowledgeBaseOptions
{
    public const string SectionName = "KnowledgeBase";

    public string? Id { get; set; }

    public string? DataSourceId { get; set; }

    /// <summary>The bucket of the data source.</summary>
    public string? Bucket { get; set; }

    /// <summary>The data source's inclusion prefix; documents and their sidecars go under it.</summary>
    public string KeyPrefix { get; set; } = "documents/";

    /// <summary>How often a running ingestion job is asked for its status.</summary>
    public TimeSpan IngestionPollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
