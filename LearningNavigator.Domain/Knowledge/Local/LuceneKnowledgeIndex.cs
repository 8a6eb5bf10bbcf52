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

    /// <summary>
    /// Bumped whenever the indexed fields change; kept in the commit data. An index written with another layout is
    /// rewritten from its stored fields when opened, so an upgrade never searches fields that are not there.
    /// Layout 2: one searchable field per language (title, heading and text together) instead of three.
    /// </summary>
    private const string LayoutKey = "layout";
    private const string CurrentLayout = "2";

    /// <summary>
    /// Commit data naming the embedding model that wrote the stored vectors: a question's vector is only comparable
    /// with vectors of the same model, so after a model change every chunk is embedded again, once.
    /// </summary>
    private const string VectorsModelKey = "vectors";

    // A query word found in more chunks than this is scored only on chunks that also hold a rarer query word
    // (Lucene's CommonTermsQuery): its long posting list was most of a query's cost at 100k chunks, and it barely
    // moves the ranking. The floor keeps small libraries on plain BM25.
    private const float CommonTermFraction = 0.02f;
    private const int CommonTermMinChunks = 1_000;

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
    private string? _vectorsModel;
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
        var (layout, vectorsModel) = StoredCommitData(_directory, _embedder?.ModelId);
        _vectorsModel = vectorsModel;
        _writer = new IndexWriter(_directory, config);
        if (layout == CurrentLayout)
        {
            // Commit data carries over to every later commit of this writer.
            _writer.SetCommitData(CommitData());
        }

        // A fresh directory has no segments yet; committing once lets readers open it.
        _writer.Commit();
        _searcherManager = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory(_options.Bm25K1, _options.Bm25B));
        if (layout != CurrentLayout)
        {
            UpgradeLayout(layout);
        }
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

        var terms = QueryTerms(request);
        if (terms.Count == 0)
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
                    foreach (var hit in LexicalSearch(searcher, terms, filter, topK))
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
                    IReadOnlyList<int> lexical = [.. LexicalSearch(searcher, terms, filter, depth).Select(h => h.Doc)];
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

    /// <summary>
    /// Brings the stored vectors up to date now (chunks without one, or all of them after a model change) instead of
    /// at the first search: a start-up job, so no person's question waits for the library to be embedded.
    /// </summary>
    public void PrepareVectors(CancellationToken cancellationToken)
    {
        if (_embedder is not null)
        {
            EnsureVectors(cancellationToken);
        }
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
    /// Gives every chunk without a stored vector one (an index written in Bm25 mode, or by an older version), and
    /// every chunk a new one when the stored vectors came from another model, rewriting its document's block. Runs
    /// once per process; afterwards every upsert stores vectors itself.
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

            var modelId = _embedder!.ModelId;
            var otherModel = !string.Equals(_vectorsModel, modelId, StringComparison.Ordinal);
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
                        if (otherModel || !vectors.Has(doc))
                        {
                            missing.Add(reader.Document(doc).Get(DocIdField));
                        }
                    }
                }
            });

            if (missing.Count > 0 || otherModel)
            {
                if (otherModel && missing.Count > 0)
                {
                    Log.ModelChanged(_logger, missing.Count, _vectorsModel ?? "none", modelId);
                }
                else if (missing.Count > 0)
                {
                    Log.Backfilling(_logger, missing.Count);
                }

                foreach (var documentId in missing.Order(StringComparer.Ordinal))
                {
                    Rewrite(documentId, embedAll: true, cancellationToken);
                }

                // Recorded in the same commit as the new vectors: interrupted, the whole rewrite simply runs again.
                _vectorsModel = modelId;
                _writer.SetCommitData(CommitData());
                _writer.Commit();
                _searcherManager.MaybeRefreshBlocking();
            }

            _vectorsComplete = true;
        }
    }

    /// <summary>
    /// Writes a document's block again from its stored fields: with fresh vectors for every chunk
    /// (<paramref name="embedAll"/>), or keeping the vectors it has (a field layout upgrade).
    /// </summary>
    private void Rewrite(string documentId, bool embedAll, CancellationToken cancellationToken)
    {
        string? hash = null;
        var chunks = new List<(DocumentChunk Chunk, float[]? Vector)>();
        WithSearcher(searcher =>
        {
            var hits = searcher.Search(new TermQuery(new Term(DocIdField, documentId)), Math.Max(1, searcher.IndexReader.MaxDoc));
            var leaves = searcher.IndexReader.Leaves;
            foreach (var hit in hits.ScoreDocs)
            {
                var doc = searcher.Doc(hit.Doc);
                hash ??= doc.Get(HashField);
                if (doc.Get(ChunkIdField) is not null)
                {
                    var leaf = leaves[ReaderUtil.SubIndex(hit.Doc, leaves)];
                    var stored = embedAll ? null : SegmentVectors.For(leaf.AtomicReader, _embedder?.Dimensions ?? MiniLmEmbedder.VectorDimensions).Get(hit.Doc - leaf.DocBase);
                    chunks.Add((ToChunk(doc), stored));
                }
            }
        });

        if (hash is null)
        {
            return;
        }

        chunks.Sort((a, b) => a.Chunk.Ordinal.CompareTo(b.Chunk.Ordinal));
        var vectors = embedAll ? EmbedChunks([.. chunks.Select(c => c.Chunk)], cancellationToken) : chunks.Select(c => c.Vector).ToArray();
        var luceneDocuments = new List<Document>(chunks.Count + 1) { MarkerDocument(documentId, hash) };
        luceneDocuments.AddRange(chunks.Select((c, i) => ChunkDocument(c.Chunk, hash, vectors?[i])));
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

    /// <summary>
    /// The field layout and the vectors' model of an existing index; a new one starts with the current layout and
    /// this process's model. An index from before the model was recorded holds the packaged MiniLM's vectors, if any.
    /// </summary>
    private static (string? Layout, string? VectorsModel) StoredCommitData(LuceneDirectory directory, string? modelId)
    {
        if (!DirectoryReader.IndexExists(directory))
        {
            return (CurrentLayout, modelId);
        }

        var infos = new SegmentInfos();
        infos.Read(directory);
        return (
            infos.UserData.TryGetValue(LayoutKey, out var layout) ? layout : null,
            infos.UserData.TryGetValue(VectorsModelKey, out var model) ? model : MiniLmEmbedder.PackagedEncoderModelId);
    }

    private Dictionary<string, string> CommitData()
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { [LayoutKey] = CurrentLayout };
        if (_vectorsModel is not null)
        {
            data[VectorsModelKey] = _vectorsModel;
        }

        return data;
    }

    /// <summary>
    /// Rewrites every document of an index written with an older field layout from its stored fields, keeping its
    /// stored vectors, then records the current layout in the same commit. Interrupted, it simply runs again.
    /// </summary>
    private void UpgradeLayout(string? layout)
    {
        var documentIds = GetDocumentHashesAsync(CancellationToken.None).Result.Keys.Order(StringComparer.Ordinal).ToList();
        if (documentIds.Count > 0)
        {
            Log.UpgradingLayout(_logger, layout ?? "1", CurrentLayout, documentIds.Count);
        }

        foreach (var documentId in documentIds)
        {
            Rewrite(documentId, embedAll: false, CancellationToken.None);
        }

        _writer.SetCommitData(CommitData());
        _writer.Commit();
        _searcherManager.MaybeRefreshBlocking();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Rewriting {Documents} documents of the search index from field layout {From} to {To}")]
        public static partial void UpgradingLayout(ILogger logger, string from, string to, int documents);

        [LoggerMessage(Level = LogLevel.Information, Message = "Embedding the chunks of {Documents} documents indexed without vectors")]
        public static partial void Backfilling(ILogger logger, int documents);

        [LoggerMessage(Level = LogLevel.Information, Message = "Embedding the chunks of {Documents} documents again: their vectors came from {From}, this process embeds with {To}")]
        public static partial void ModelChanged(ILogger logger, int documents, string from, string to);
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

    /// <summary>
    /// The query's terms per analysed language. Terms come from the analysers, never from a query parser, so
    /// quotes, brackets, AND/OR and dashes in the user's words are just text.
    /// </summary>
    private List<Term> QueryTerms(RetrievalRequest request)
    {
        var languages = request.Language is null ? AnalysedLanguages : [AnalysisLanguage(request.Language)];
        var terms = new List<Term>();
        foreach (var language in languages)
        {
            var field = SearchFieldFor(language);
            terms.AddRange(AnalyzeTerms(field, request.Query).Select(term => new Term(field, term)));
        }

        return terms;
    }

    /// <summary>BM25 over every query term, one clause per term (title, heading and text share one field).</summary>
    private static BooleanQuery PlainQuery(List<Term> terms)
    {
        var query = new BooleanQuery();
        foreach (var term in terms)
        {
            query.Add(new TermQuery(term), Occur.SHOULD);
        }

        return query;
    }

    /// <summary>
    /// The same BM25 scores, but common terms only count on chunks that match a rarer term, so their long posting
    /// lists are not walked in full. Scores of the chunks it returns equal <see cref="PlainQuery"/>'s.
    /// </summary>
    private static Query CommonTermsQuery(List<Term> terms, int maxDoc)
    {
        var threshold = Math.Max(CommonTermMinChunks, CommonTermFraction * maxDoc);
        var query = new BooleanQuery();
        foreach (var field in terms.Select(t => t.Field).Distinct(StringComparer.Ordinal))
        {
            var common = new Lucene.Net.Queries.CommonTermsQuery(Occur.SHOULD, Occur.SHOULD, threshold);
            foreach (var term in terms.Where(t => t.Field == field))
            {
                common.Add(term);
            }

            query.Add(common, Occur.SHOULD);
        }

        return query.Clauses.Count == 1 ? query.Clauses[0].Query : query;
    }

    /// <summary>
    /// Top hits by BM25. When the common-terms form finds fewer than <paramref name="count"/> chunks (its rare terms
    /// were a typo or a word in few chunks), the plain query runs, so nothing BM25 would return is lost.
    /// </summary>
    private static ScoreDoc[] LexicalSearch(IndexSearcher searcher, List<Term> terms, Filter filter, int count)
    {
        var hits = searcher.Search(CommonTermsQuery(terms, searcher.IndexReader.MaxDoc), filter, count);
        return hits.TotalHits >= count ? hits.ScoreDocs : searcher.Search(PlainQuery(terms), filter, count).ScoreDocs;
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

        var filter = new BitSetCachingFilter(new QueryWrapperFilter(BuildFilterQuery(request)));
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
            new TextField(SearchFieldFor(language), chunk.Title, Field.Store.NO),
            new StoredField(TextField, chunk.Text),
            new TextField(SearchFieldFor(language), chunk.Text, Field.Store.NO),
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
            // A heading that repeats the title would count the title's words twice.
            if (!string.Equals(chunk.Heading, chunk.Title, StringComparison.OrdinalIgnoreCase))
            {
                doc.Add(new TextField(SearchFieldFor(language), chunk.Heading, Field.Store.NO));
            }
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

    /// <summary>
    /// The one searchable field per language: title, heading and text as values of the same field. Three fields
    /// made three clauses per query word; one field scores better on SciFact too (title inside the text, as BEIR's
    /// "flat" indexing does).
    /// </summary>
    private static string SearchFieldFor(string language) => $"body_{language}";

    private static Dictionary<string, Analyzer> BuildFieldAnalyzers()
    {
        var analyzers = new Dictionary<string, Analyzer>(StringComparer.Ordinal);
        foreach (var language in AnalysedLanguages)
        {
            Analyzer analyzer = language == "es" ? new SpanishAnalyzer(Version) : new EnglishAnalyzer(Version);
            analyzers[SearchFieldFor(language)] = analyzer;
        }

        return analyzers;
    }

    /// <summary>
    /// Caches the filter as a bit set rather than Lucene's compressed default: a bit set offers random access,
    /// so the filter is applied inside the term scorers instead of leap-frogging with the query.
    /// </summary>
    private sealed class BitSetCachingFilter(Filter filter) : CachingWrapperFilter(filter)
    {
        protected override DocIdSet CacheImpl(DocIdSetIterator iterator, AtomicReader reader)
        {
            var bits = new FixedBitSet(reader.MaxDoc);
            bits.Or(iterator);
            return bits;
        }
    }

    private sealed class Bm25SearcherFactory(float k1, float b) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) =>
            new(reader) { Similarity = new BM25Similarity(k1, b) };
    }
}
