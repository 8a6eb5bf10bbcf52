using LearningNavigator.Documents;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// The embedded knowledge store: a Lucene index on disk, one Lucene document per chunk plus one marker
/// document per source document carrying its content hash. Writes are serialised; reads go through a
/// <see cref="SearcherManager"/> so a search never sees half of an upsert.
/// With an embedder and <see cref="RetrievalMode.Dense"/> or <see cref="RetrievalMode.Hybrid"/>, every chunk also
/// stores its sentence vector (binary doc values), so reopening the index never re-embeds; chunks indexed without
/// one (an index built in Bm25 mode) are embedded once, on first use. Without an embedder the index is BM25 only.
/// </summary>
public sealed partial class LuceneKnowledgeIndex : IKnowledgeIndex, IKnowledgeRetriever, IDisposable
{
    /// <summary>Recall@100 of an evaluation needs a hundred passages; the chat pipeline asks for far fewer.</summary>
    public const int MaxTopK = 100;

    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    // Past this, extra query words add clauses (and latency) without changing which passages win.
    private const int MaxQueryTerms = 100;
    private const float TitleBoost = 1.5f;
    private const float HeadingBoost = 1.25f;

    private const string KindField = "kind";
    private const string ChunkKind = "chunk";
    private const string DocumentKind = "doc";
    private const string ChunkIdField = "chunk_id";
    private const string DocIdField = "doc_id";
    private const string TitleField = "title";
    private const string HeadingField = "heading";
    private const string PageField = "page";
    private const string LanguageField = "lang";
    private const string RoleField = "role";
    private const string StartField = "start";
    private const string EndField = "end";
    private const string OrdinalField = "ordinal";
    private const string TextField = "text";
    private const string HashField = "hash";
    private const string TokenCountField = "tokens";

    // Only these two languages have analysers; anything else is analysed as English but still filtered by its own code.
    private static readonly string[] AnalysedLanguages = ["en", "es"];

    private readonly LuceneDirectory _directory;
    private readonly Analyzer _analyzer;
    private readonly Dictionary<string, Analyzer> _fieldAnalyzers = BuildFieldAnalyzers();
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searcherManager;
    private readonly System.Threading.Lock _writeLock = new();
    private const int MaxCachedFilters = 32;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Role, string? Language), Filter> _filters = new();
    private readonly ITextEmbedder? _embedder;
    private readonly LocalIndexOptions _options;
    private readonly ILogger _logger;
    private bool _vectorsComplete;
    private bool _disposed;

    public LuceneKnowledgeIndex(IOptions<LocalIndexOptions> options)
        : this(options, embedder: null, NullLogger<LuceneKnowledgeIndex>.Instance)
    {
    }

    public LuceneKnowledgeIndex(IOptions<LocalIndexOptions> options, ITextEmbedder? embedder, ILogger<LuceneKnowledgeIndex> logger)
    {
        _options = options.Value;
        _logger = logger;
        _embedder = _options.Mode == RetrievalMode.Bm25 ? null : embedder;
        var path = _options.IndexPath;
        System.IO.Directory.CreateDirectory(path);
        _directory = FSDirectory.Open(path);
        _analyzer = new PerFieldAnalyzerWrapper(new StandardAnalyzer(Version), _fieldAnalyzers);
        var config = new IndexWriterConfig(Version, _analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = new BM25Similarity(_options.Bm25K1, _options.Bm25B),
        };
        _writer = new IndexWriter(_directory, config);
        // A fresh directory has no segments yet; committing once lets readers open it.
        _writer.Commit();
        _searcherManager = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory(_options.Bm25K1, _options.Bm25B));
    }

    public Task UpsertDocumentAsync(DocumentMetadata document, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        ArgumentNullException.ThrowIfNull(chunks);
        cancellationToken.ThrowIfCancellationRequested();

        var foreign = chunks.FirstOrDefault(c => c.DocumentId != document.Id);
        if (foreign is not null)
        {
            throw new ArgumentException($"Chunk '{foreign.Id}' belongs to document '{foreign.DocumentId}', not '{document.Id}'.", nameof(chunks));
        }

        // Embedding is the slow part, so it runs before the write lock is taken.
        var vectors = EmbedChunks(chunks, cancellationToken);
        var luceneDocuments = new List<Document>(chunks.Count + 1) { MarkerDocument(document.Id, contentHash) };
        luceneDocuments.AddRange(chunks.Select((c, i) => ChunkDocument(c, contentHash, vectors?[i])));

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // UpdateDocuments deletes and adds as one block, so readers see the old chunks or the new ones, never both.
            _writer.UpdateDocuments(new Term(DocIdField, document.Id), luceneDocuments);
            _writer.Commit();
            _searcherManager.MaybeRefreshBlocking();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Upserts many documents with one commit: for bulk loads (evaluation corpora, benchmarks) where a commit per
    /// document would dominate. Same rules as <see cref="UpsertDocumentAsync"/> per document.
    /// </summary>
    public Task UpsertDocumentsAsync(IReadOnlyList<(DocumentMetadata Document, string ContentHash, IReadOnlyList<DocumentChunk> Chunks)> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        // Checked before anything is written: a rejected batch must leave nothing pending in the writer.
        foreach (var (document, _, chunks) in documents)
        {
            if (chunks.FirstOrDefault(c => c.DocumentId != document.Id) is { } foreign)
            {
                throw new ArgumentException($"Chunk '{foreign.Id}' belongs to document '{foreign.DocumentId}', not '{document.Id}'.", nameof(documents));
            }
        }

        var allChunks = documents.SelectMany(d => d.Chunks).ToList();
        var vectors = EmbedChunks(allChunks, cancellationToken);
        var next = 0;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var (document, hash, chunks) in documents)
            {
                var luceneDocuments = new List<Document>(chunks.Count + 1) { MarkerDocument(document.Id, hash) };
                foreach (var chunk in chunks)
                {
                    luceneDocuments.Add(ChunkDocument(chunk, hash, vectors?[next++]));
                }

                _writer.UpdateDocuments(new Term(DocIdField, document.Id), luceneDocuments);
            }

            _writer.Commit();
            _searcherManager.MaybeRefreshBlocking();
        }

        return Task.CompletedTask;
    }

    public Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer.DeleteDocuments(new Term(DocIdField, documentId));
            _writer.Commit();
            _searcherManager.MaybeRefreshBlocking();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, string>> GetDocumentHashesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);

        WithSearcher(searcher =>
        {
            var max = Math.Max(1, searcher.IndexReader.MaxDoc);
            var hits = searcher.Search(new TermQuery(new Term(KindField, DocumentKind)), max);
            foreach (var hit in hits.ScoreDocs)
            {
                var doc = searcher.Doc(hit.Doc);
                hashes[doc.Get(DocIdField)] = doc.Get(HashField);
            }
        });

        return Task.FromResult<IReadOnlyDictionary<string, string>>(hashes);
    }

    public Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        var topK = Math.Min(request.TopK, MaxTopK);
        if (topK <= 0 || string.IsNullOrWhiteSpace(request.Query))
        {
            return Task.FromResult<IReadOnlyList<RetrievedPassage>>([]);
        }

        var query = BuildTextQuery(request);
        if (query is null)
        {
            return Task.FromResult<IReadOnlyList<RetrievedPassage>>([]);
        }

        var filter = FilterFor(request);
        var mode = _embedder is null ? RetrievalMode.Bm25 : _options.Mode;
        float[]? queryVector = null;
        if (mode != RetrievalMode.Bm25)
        {
            EnsureVectors(cancellationToken);
            queryVector = _embedder!.Embed([request.Query], cancellationToken)[0];
        }

        var passages = new List<RetrievedPassage>(topK);
        WithSearcher(searcher =>
        {
            switch (mode)
            {
                case RetrievalMode.Bm25:
                    foreach (var hit in searcher.Search(query, filter, topK).ScoreDocs)
                    {
                        passages.Add(ToPassage(searcher.Doc(hit.Doc), hit.Score));
                    }

                    break;
                case RetrievalMode.Dense:
                    foreach (var (doc, score) in DenseSearch(searcher, queryVector!, filter, topK))
                    {
                        passages.Add(ToPassage(searcher.Doc(doc), score));
                    }

                    break;
                default:
                    var depth = Math.Max(topK, _options.FusionDepth);
                    IReadOnlyList<int> lexical = [.. searcher.Search(query, filter, depth).ScoreDocs.Select(h => h.Doc)];
                    IReadOnlyList<int> dense = [.. DenseSearch(searcher, queryVector!, filter, depth).Select(h => h.Doc)];
                    foreach (var (doc, score) in ReciprocalRankFusion.Fuse([lexical, dense], _options.RrfK).Take(topK))
                    {
                        passages.Add(ToPassage(searcher.Doc(doc), score));
                    }

                    break;
            }
        });

        return Task.FromResult<IReadOnlyList<RetrievedPassage>>(passages);
    }

    /// <summary>How many chunks hold a stored vector now: for tests and diagnostics.</summary>
    public int CountChunkVectors()
    {
        var count = 0;
        WithSearcher(searcher =>
        {
            foreach (var leaf in searcher.IndexReader.Leaves)
            {
                var reader = leaf.AtomicReader;
                var vectors = SegmentVectors.For(reader, _embedder?.Dimensions ?? MiniLmEmbedder.VectorDimensions);
                var live = reader.LiveDocs;
                for (var doc = 0; doc < reader.MaxDoc; doc++)
                {
                    if ((live is null || live.Get(doc)) && vectors.Has(doc))
                    {
                        count++;
                    }
                }
            }
        });
        return count;
    }

    private List<(int Doc, float Score)> DenseSearch(IndexSearcher searcher, float[] queryVector, Filter filter, int topK)
    {
        var top = new TopScores(topK);
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var vectors = SegmentVectors.For(reader, _embedder!.Dimensions);
            vectors.Score(queryVector, filter.GetDocIdSet(leaf, reader.LiveDocs)?.GetIterator(), leaf.DocBase, top);
        }

        return top.ToList();
    }

    private float[][]? EmbedChunks(IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken) =>
        _embedder is null || chunks.Count == 0 ? null : _embedder.Embed([.. chunks.Select(EmbeddingText)], cancellationToken);

    /// <summary>The title and heading say what a chunk is about when its own words do not.</summary>
    private static string EmbeddingText(DocumentChunk chunk) =>
        string.Join("\n", new[] { chunk.Title, string.Equals(chunk.Heading, chunk.Title, StringComparison.OrdinalIgnoreCase) ? null : chunk.Heading, chunk.Text }
            .Where(part => !string.IsNullOrWhiteSpace(part)));

    /// <summary>
    /// Gives every chunk without a stored vector one (an index written in Bm25 mode, or by an older version),
    /// rewriting its document's block. Runs once per process; afterwards every upsert stores vectors itself.
    /// </summary>
    private void EnsureVectors(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _vectorsComplete))
        {
            return;
        }

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_vectorsComplete)
            {
                return;
            }

            var missing = new HashSet<string>(StringComparer.Ordinal);
            WithSearcher(searcher =>
            {
                foreach (var leaf in searcher.IndexReader.Leaves)
                {
                    var reader = leaf.AtomicReader;
                    var vectors = SegmentVectors.For(reader, _embedder!.Dimensions);
                    var chunkDocs = new QueryWrapperFilter(new TermQuery(new Term(KindField, ChunkKind))).GetDocIdSet(leaf, reader.LiveDocs)?.GetIterator();
                    if (chunkDocs is null)
                    {
                        continue;
                    }

                    for (var doc = chunkDocs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = chunkDocs.NextDoc())
                    {
                        if (!vectors.Has(doc))
                        {
                            missing.Add(reader.Document(doc).Get(DocIdField));
                        }
                    }
                }
            });

            if (missing.Count > 0)
            {
                Log.Backfilling(_logger, missing.Count);
                foreach (var documentId in missing.Order(StringComparer.Ordinal))
                {
                    RewriteWithVectors(documentId, cancellationToken);
                }

                _writer.Commit();
                _searcherManager.MaybeRefreshBlocking();
            }

            _vectorsComplete = true;
        }
    }

    private void RewriteWithVectors(string documentId, CancellationToken cancellationToken)
    {
        string? hash = null;
        var chunks = new List<DocumentChunk>();
        WithSearcher(searcher =>
        {
            var hits = searcher.Search(new TermQuery(new Term(DocIdField, documentId)), Math.Max(1, searcher.IndexReader.MaxDoc));
            foreach (var hit in hits.ScoreDocs)
            {
                var doc = searcher.Doc(hit.Doc);
                hash ??= doc.Get(HashField);
                if (doc.Get(ChunkIdField) is not null)
                {
                    chunks.Add(ToChunk(doc));
                }
            }
        });

        if (hash is null)
        {
            return;
        }

        chunks.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
        var vectors = EmbedChunks(chunks, cancellationToken);
        var luceneDocuments = new List<Document>(chunks.Count + 1) { MarkerDocument(documentId, hash) };
        luceneDocuments.AddRange(chunks.Select((c, i) => ChunkDocument(c, hash, vectors?[i])));
        _writer.UpdateDocuments(new Term(DocIdField, documentId), luceneDocuments);
    }

    private static DocumentChunk ToChunk(Document doc)
    {
        var text = doc.Get(TextField);
        return new DocumentChunk
        {
            Id = doc.Get(ChunkIdField),
            DocumentId = doc.Get(DocIdField),
            Title = doc.Get(TitleField),
            Heading = doc.Get(HeadingField),
            Page = doc.GetField(PageField)?.GetInt32Value(),
            Language = doc.Get(LanguageField),
            Roles = doc.GetValues(RoleField),
            StartOffset = doc.GetField(StartField)?.GetInt32Value() ?? 0,
            EndOffset = doc.GetField(EndField)?.GetInt32Value() ?? 0,
            Text = text,
            Ordinal = doc.GetField(OrdinalField)?.GetInt32Value() ?? 0,
            TokenCount = doc.GetField(TokenCountField)?.GetInt32Value() ?? 0,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Embedding the chunks of {Documents} documents indexed without vectors")]
        public static partial void Backfilling(ILogger logger, int documents);
    }

    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _searcherManager.Dispose();
            _writer.Dispose();
            _analyzer.Dispose();
            // The wrapper does not own the per-field analysers; each holds per-thread token stream caches.
            foreach (var analyzer in _fieldAnalyzers.Values.Distinct())
            {
                analyzer.Dispose();
            }

            _directory.Dispose();
        }
    }

    private void WithSearcher(Action<IndexSearcher> action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var searcher = _searcherManager.Acquire();
        try
        {
            action(searcher);
        }
        finally
        {
            _searcherManager.Release(searcher);
        }
    }

    private BooleanQuery? BuildTextQuery(RetrievalRequest request)
    {
        // Terms come from the analysers, never from a query parser, so quotes, brackets, AND/OR and dashes in
        // the user's words are just text.
        var languages = request.Language is null ? AnalysedLanguages : [AnalysisLanguage(request.Language)];
        var query = new BooleanQuery();
        foreach (var language in languages)
        {
            AddTermClauses(query, TextFieldFor(language), request.Query, 1f);
            AddTermClauses(query, TitleFieldFor(language), request.Query, TitleBoost);
            AddTermClauses(query, HeadingFieldFor(language), request.Query, HeadingBoost);
        }

        return query.Clauses.Count == 0 ? null : query;
    }

    private void AddTermClauses(BooleanQuery query, string field, string text, float boost)
    {
        foreach (var term in AnalyzeTerms(field, text))
        {
            query.Add(new TermQuery(new Term(field, term)) { Boost = boost }, Occur.SHOULD);
        }
    }

    private List<string> AnalyzeTerms(string field, string text)
    {
        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var stream = _analyzer.GetTokenStream(field, text);
        var termAttribute = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken() && terms.Count < MaxQueryTerms)
        {
            var term = termAttribute.ToString();
            if (seen.Add(term))
            {
                terms.Add(term);
            }
        }

        stream.End();
        return terms;
    }

    /// <summary>
    /// The role/language filter as a bit set cached per segment: there are only a handful of (role, language)
    /// pairs, and re-evaluating three term queries over every chunk on each search cost more than the search.
    /// </summary>
    private Filter FilterFor(RetrievalRequest request)
    {
        var key = (request.Role, request.Language);
        if (_filters.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var filter = new CachingWrapperFilter(new QueryWrapperFilter(BuildFilterQuery(request)));
        // Roles and languages come from the app, not from users, but a bound keeps a stray caller from growing this.
        return _filters.Count < MaxCachedFilters ? _filters.GetOrAdd(key, filter) : filter;
    }

    private static BooleanQuery BuildFilterQuery(RetrievalRequest request)
    {
        var filter = new BooleanQuery
        {
            { new TermQuery(new Term(KindField, ChunkKind)), Occur.MUST },
        };
        // Admins see everything, exactly as AppRoles.CanSee says; everyone else needs their role on the chunk.
        if (request.Role != AppRoles.Admin)
        {
            filter.Add(new TermQuery(new Term(RoleField, request.Role)), Occur.MUST);
        }

        if (request.Language is not null)
        {
            filter.Add(new TermQuery(new Term(LanguageField, request.Language)), Occur.MUST);
        }

        return filter;
    }

    private static Document MarkerDocument(string documentId, string contentHash) =>
    [
        new StringField(KindField, DocumentKind, Field.Store.NO),
        new StringField(DocIdField, documentId, Field.Store.YES),
        new StoredField(HashField, contentHash),
    ];

    private static Document ChunkDocument(DocumentChunk chunk, string contentHash, float[]? vector)
    {
        var language = AnalysisLanguage(chunk.Language);
        var doc = new Document
        {
            new StringField(KindField, ChunkKind, Field.Store.NO),
            new StringField(ChunkIdField, chunk.Id, Field.Store.YES),
            new StringField(DocIdField, chunk.DocumentId, Field.Store.YES),
            new StringField(LanguageField, chunk.Language, Field.Store.YES),
            new StoredField(TitleField, chunk.Title),
            new TextField(TitleFieldFor(language), chunk.Title, Field.Store.NO),
            new StoredField(TextField, chunk.Text),
            new TextField(TextFieldFor(language), chunk.Text, Field.Store.NO),
            new StoredField(StartField, chunk.StartOffset),
            new StoredField(EndField, chunk.EndOffset),
            new StoredField(OrdinalField, chunk.Ordinal),
            new StoredField(TokenCountField, chunk.TokenCount),
            new StoredField(HashField, contentHash),
        };
        if (vector is not null)
        {
            doc.Add(new BinaryDocValuesField(SegmentVectors.Field, new BytesRef(SegmentVectors.ToBytes(vector))));
        }

        if (!string.IsNullOrEmpty(chunk.Heading))
        {
            doc.Add(new StoredField(HeadingField, chunk.Heading));
            doc.Add(new TextField(HeadingFieldFor(language), chunk.Heading, Field.Store.NO));
        }

        if (chunk.Page is int page)
        {
            doc.Add(new StoredField(PageField, page));
        }

        foreach (var role in chunk.Roles.Distinct(StringComparer.Ordinal))
        {
            doc.Add(new StringField(RoleField, role, Field.Store.YES));
        }

        return doc;
    }

    private static RetrievedPassage ToPassage(Document doc, double score) => new()
    {
        ChunkId = doc.Get(ChunkIdField),
        DocumentId = doc.Get(DocIdField),
        Title = doc.Get(TitleField),
        Heading = doc.Get(HeadingField),
        Page = doc.GetField(PageField)?.GetInt32Value(),
        Language = doc.Get(LanguageField),
        Text = doc.Get(TextField),
        Score = score,
        StartOffset = doc.GetField(StartField)?.GetInt32Value() ?? 0,
        EndOffset = doc.GetField(EndField)?.GetInt32Value() ?? 0,
    };

    private static string AnalysisLanguage(string language) =>
        language.Equals("es", StringComparison.OrdinalIgnoreCase) ? "es" : "en";

    private static string TextFieldFor(string language) => $"text_{language}";

    private static string TitleFieldFor(string language) => $"title_{language}";

    private static string HeadingFieldFor(string language) => $"heading_{language}";

    private static Dictionary<string, Analyzer> BuildFieldAnalyzers()
    {
        var analyzers = new Dictionary<string, Analyzer>(StringComparer.Ordinal);
        foreach (var language in AnalysedLanguages)
        {
            Analyzer analyzer = language == "es" ? new SpanishAnalyzer(Version) : new EnglishAnalyzer(Version);
            analyzers[TextFieldFor(language)] = analyzer;
            analyzers[TitleFieldFor(language)] = analyzer;
            analyzers[HeadingFieldFor(language)] = analyzer;
        }

        return analyzers;
    }

    private sealed class Bm25SearcherFactory(float k1, float b) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) =>
            new(reader) { Similarity = new BM25Similarity(k1, b) };
    }
}
