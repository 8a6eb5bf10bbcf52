using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Knowledge.Local;

/// <summary>How passages are found in the local index.</summary>
public enum RetrievalMode
{
    /// <summary>Lucene BM25 over words only; no embedding model is loaded.</summary>
    Bm25,
    /// <summary>MiniLM sentence vectors only, cosine similarity.</summary>
    Dense,
    /// <summary>BM25 and dense rankings fused by reciprocal rank fusion.</summary>
    Hybrid,
}

/// <summary>How the MiniLM weights are stored while the model runs.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The setting's values name the number formats an operator knows.")]
public enum EmbeddingPrecision
{
    /// <summary>8-bit integer weights: about 45 % less CPU per question; vectors at a cosine of about 0.99 to Float32's.</summary>
    Int8,
    /// <summary>The packaged 32-bit weights, unchanged.</summary>
    Float32,
}

/// <summary>Where the embedded Lucene index lives and how it searches (section "Retrieval:Local").</summary>
public sealed class LocalIndexOptions
{
    public const string SectionName = "Retrieval:Local";

    /// <summary>Directory of the index; the host makes a relative path absolute before use.</summary>
    [Required(ErrorMessage = "Retrieval:Local:IndexPath is required.")]
    public string IndexPath { get; set; } = "App_Data/index";

    /// <summary>Bm25, Dense or Hybrid. Dense and Hybrid store a vector with every chunk.</summary>
    [EnumDataType(typeof(RetrievalMode), ErrorMessage = "Retrieval:Local:Mode must be Bm25, Dense or Hybrid.")]
    public RetrievalMode Mode { get; set; } = RetrievalMode.Hybrid;

    /// <summary>
    /// Int8 or Float32. Vectors of the two are not mixed: the index records which produced its vectors and embeds
    /// the library again, once, after a change.
    /// </summary>
    [EnumDataType(typeof(EmbeddingPrecision), ErrorMessage = "Retrieval:Local:EmbeddingPrecision must be Int8 or Float32.")]
    public EmbeddingPrecision EmbeddingPrecision { get; set; } = EmbeddingPrecision.Int8;

    /// <summary>BM25 term-frequency saturation. Changing it needs no re-index.</summary>
    [Range(0.0, 3.0, ErrorMessage = "Retrieval:Local:Bm25K1 must be between 0 and 3.")]
    public float Bm25K1 { get; set; } = 1.2f;

    /// <summary>BM25 length normalisation, 0 (none) to 1 (full). Changing it needs no re-index.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Retrieval:Local:Bm25B must be between 0 and 1.")]
    public float Bm25B { get; set; } = 0.75f;

    /// <summary>How many candidates each ranking contributes to the fusion in Hybrid mode.</summary>
    [Range(10, 1000, ErrorMessage = "Retrieval:Local:FusionDepth must be between 10 and 1000.")]
    public int FusionDepth { get; set; } = 100;

    /// <summary>The k of reciprocal rank fusion, 1 / (k + rank).</summary>
    [Range(1, 1000, ErrorMessage = "Retrieval:Local:RrfK must be between 1 and 1000.")]
    public int RrfK { get; set; } = ReciprocalRankFusion.DefaultK;
}
