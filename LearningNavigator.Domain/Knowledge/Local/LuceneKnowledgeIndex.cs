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
using Microsoft.Extensions.Options;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace LearningNavigator.Knowledge.Local;

/// <summary>
/// The embedded knowledge store: a Lucene BM25 index on disk, one Lucene document per chunk plus one marker
/// document per source document carrying its content hash. Writes are serialised; reads go through a
/// <see cref="SearcherManager"/> so a search never sees half of an upsert.
/// </summary>
public sealed class LuceneKnowledgeIndex : IKnowledgeIndex, IKnowledgeRetriever, IDisposable
{
    public const int MaxTopK = 50;

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

    // Only these two languages have analysers; anything else is analysed as English but still filtered by its own code.
    private static readonly string[] AnalysedLanguages = ["en", "es"];

    private readonly LuceneDirectory _directory;
    private readonly Analyzer _analyzer;
    private readonly Dictionary<string, Analyzer> _fieldAnalyzers = BuildFieldAnalyzers();
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searcherManager;
    private readonly System.Threading.Lock _writeLock = new();
    private bool _disposed;

    public LuceneKnowledgeIndex(IOptions<LocalIndexOptions> options)
    {
        var path = options.Value.IndexPath;
        System.IO.Directory.CreateDirectory(path);
        _directory = FSDirectory.Open(path);
        _analyzer = new PerFieldAnalyzerWrapper(new StandardAnalyzer(Version), _fieldAnalyzers);
        var config = new IndexWriterConfig(Version, _analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = new BM25Similarity(),
        };
        _writer = new IndexWriter(_directory, config);
        // A fresh directory has no segments yet; committing once lets readers open it.
        _writer.Commit();
        _searcherManager = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory());
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

        var luceneDocuments = new List<Document>(chunks.Count + 1) { MarkerDocument(document, contentHash) };
        luceneDocuments.AddRange(chunks.Select(c => ChunkDocument(c, contentHash)));

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

        var filter = new QueryWrapperFilter(BuildFilterQuery(request));
        var passages = new List<RetrievedPassage>(topK);
        WithSearcher(searcher =>
        {
            var hits = searcher.Search(query, filter, topK);
            foreach (var hit in hits.ScoreDocs)
            {
                passages.Add(ToPassage(searcher.Doc(hit.Doc), hit.Score));
            }
        });

        return Task.FromResult<IReadOnlyList<RetrievedPassage>>(passages);
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

    private static Document MarkerDocument(DocumentMetadata document, string contentHash) =>
    [
        new StringField(KindField, DocumentKind, Field.Store.NO),
        new StringField(DocIdField, document.Id, Field.Store.YES),
        new StoredField(HashField, contentHash),
    ];

    private static Document ChunkDocument(DocumentChunk chunk, string contentHash)
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
            new StoredField(HashField, contentHash),
        };
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

    private static RetrievedPassage ToPassage(Document doc, float score) => new()
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

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) =>
            new(reader) { Similarity = new BM25Similarity() };
    }
}
