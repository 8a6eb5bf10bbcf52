using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LearningNavigator.Aws;
using LearningNavigator.Documents;
using LearningNavigator.Knowledge;
using LearningNavigator.Knowledge.Bedrock;
using LearningNavigator.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Knowledge.Bedrock;

/// <summary>Retrieve and document sync against loopback Agent Runtime, bedrock-agent and S3 fakes that check SigV4.</summary>
public sealed class KnowledgeBaseTests
{
    [Fact]
    public async Task Retrieve_sends_the_aws_request_shape_with_the_role_and_language_filter_and_maps_results()
    {
        await using var host = BedrockTestHost.Start();
        host.AgentRuntime.Results =
        [
            FakeAgentRuntime.Result("s3://kb-bucket/documents/algee%20guide.pdf", "Assess for risk of harm.", 4, 0.91),
            FakeAgentRuntime.Result("s3://kb-bucket/documents/intro.md", "Welcome to the course.", null, 0.4),
        ];
        var retriever = host.Get<IKnowledgeRetriever>();

        var passages = await retriever.RetrieveAsync(
            new RetrievalRequest { Query = "What is ALGEE?", Role = "instructor", Language = "en", TopK = 7 }, CancellationToken.None);

        var request = Assert.Single(host.AgentRuntime.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/knowledgebases/{FakeAgentRuntime.KnowledgeBaseId}/retrieve", request.RawTarget);
        Assert.Equal("ok", Assert.Single(host.AgentRuntime.SignatureChecks));
        var expected = JsonNode.Parse(
            """
            {
              "retrievalQuery": { "text": "What is ALGEE?" },
              "retrievalConfiguration": {
                "vectorSearchConfiguration": {
                  "numberOfResults": 7,
                  "filter": {
                    "andAll": [
                      { "listContains": { "key": "roles", "value": "instructor" } },
                      { "equals": { "key": "language", "value": "en" } }
                    ]
                  }
                }
              }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.BodyText)), request.BodyText);

        Assert.Equal(2, passages.Count);
        Assert.Equal("s3://kb-bucket/documents/algee%20guide.pdf", passages[0].DocumentId);
        Assert.Equal("algee guide", passages[0].Title);
        Assert.Equal(4, passages[0].Page);
        Assert.Equal("p. 4", passages[0].Location);
        Assert.Equal("Assess for risk of harm.", passages[0].Text);
        Assert.Equal(0.91, passages[0].Score, 3);
        Assert.Null(passages[1].Page);
        Assert.NotEqual(passages[0].ChunkId, passages[1].ChunkId);
    }

    [Fact]
    public async Task Retrieve_without_a_language_filters_on_the_role_alone()
    {
        var body = BedrockKnowledgeBaseRetriever.RequestBody(new RetrievalRequest { Query = "q", Role = "staff", TopK = 3 });

        var filter = body["retrievalConfiguration"]!["vectorSearchConfiguration"]!["filter"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "listContains": { "key": "roles", "value": "staff" } }"""), filter));
    }

    [Fact]
    public async Task A_bad_signature_on_retrieve_is_access_denied_and_not_retried()
    {
        await using var host = BedrockTestHost.Start(secretKey: "wrong-secret");

        var failure = await Assert.ThrowsAsync<AwsRequestException>(() => host.Get<IKnowledgeRetriever>().RetrieveAsync(
            new RetrievalRequest { Query = "q", Role = "instructor", Language = "en" }, CancellationToken.None));

        Assert.Equal(AwsFailure.AccessDenied, failure.Failure);
        Assert.Equal("InvalidSignatureException", failure.ErrorType);
        Assert.Equal("signature does not match", Assert.Single(host.AgentRuntime.SignatureChecks));
    }

    [Fact]
    public async Task An_upload_goes_to_s3_with_its_sidecar_then_an_ingestion_job_takes_it_from_syncing_to_ready()
    {
        await using var host = BedrockTestHost.Start();
        var library = host.Get<IDocumentLibrary>();
        var seen = new List<(string Id, DocumentStatus Status)>();
        library.Changed += d => { lock (seen) { seen.Add((d.Id, d.Status)); } };

        var added = await library.AddAsync(Upload("refunds.md", "# Refunds\n\nStaff issue refunds within 14 days of a cancelled course.", ["staff", "admin"]), CancellationToken.None);

        Assert.Equal("documents/refunds.md", added.Id);
        Assert.Equal(DocumentStatus.Syncing, added.Status);
        Assert.Equal("en", added.Language);
        Assert.StartsWith("# Refunds", Encoding.UTF8.GetString(host.S3.Objects["documents/refunds.md"]), StringComparison.Ordinal);
        using (var sidecar = JsonDocument.Parse(host.S3.Objects["documents/refunds.md.metadata.json"]))
        {
            var attributes = sidecar.RootElement.GetProperty("metadataAttributes");
            Assert.Equal(["staff", "admin"], attributes.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal("en", attributes.GetProperty("language").GetString());
        }

        await host.Get<KnowledgeBaseDocumentLibrary>().WhenSyncedAsync();

        Assert.Equal(DocumentStatus.Ready, (await library.GetAsync(added.Id, CancellationToken.None))!.Status);
        Assert.Equal(1, host.Agent.JobsStarted);
        Assert.Equal([DocumentStatus.Syncing, DocumentStatus.Ready], seen.Where(s => s.Id == added.Id).Select(s => s.Status));
        // Start, then polls until the job reports COMPLETE.
        Assert.Equal(1 + host.Agent.PollsBeforeDone, host.Agent.Requests.Count);
        Assert.All(host.S3.SignatureChecks.Concat(host.Agent.SignatureChecks), check => Assert.Equal("ok", check));
    }

    [Fact]
    public async Task A_failed_ingestion_job_marks_the_document_failed_with_the_reason()
    {
        await using var host = BedrockTestHost.Start();
        host.Agent.EndStatus = "FAILED";
        var library = host.Get<IDocumentLibrary>();

        var added = await library.AddAsync(Upload("broken.md", "Some text for the knowledge base.", ["instructor"]), CancellationToken.None);
        await host.Get<KnowledgeBaseDocumentLibrary>().WhenSyncedAsync();

        var document = await library.GetAsync(added.Id, CancellationToken.None);
        Assert.Equal(DocumentStatus.Failed, document!.Status);
        Assert.Contains("Unsupported file format", document.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_the_object_and_its_sidecar_and_syncs()
    {
        await using var host = BedrockTestHost.Start();
        var library = host.Get<IDocumentLibrary>();
        var added = await library.AddAsync(Upload("old.md", "Outdated guidance about courses.", ["instructor"]), CancellationToken.None);
        await host.Get<KnowledgeBaseDocumentLibrary>().WhenSyncedAsync();

        await library.DeleteAsync(added.Id, CancellationToken.None);
        await host.Get<KnowledgeBaseDocumentLibrary>().WhenSyncedAsync();

        Assert.Empty(host.S3.Objects);
        Assert.Null(await library.GetAsync(added.Id, CancellationToken.None));
        Assert.Equal(2, host.Agent.JobsStarted);
    }

    [Fact]
    public async Task After_a_restart_the_library_is_read_back_from_the_bucket()
    {
        await using var host = BedrockTestHost.Start();
        host.S3.Objects["documents/guide.md"] = Encoding.UTF8.GetBytes("Guía del curso.");
        host.S3.Objects["documents/guide.md.metadata.json"] = Encoding.UTF8.GetBytes(
            """{"metadataAttributes":{"roles":["instructor"],"language":"es","title":"Guía"}}""");

        var documents = await host.Get<IDocumentLibrary>().ListAsync(CancellationToken.None);

        var document = Assert.Single(documents);
        Assert.Equal("Guía", document.Title);
        Assert.Equal("es", document.Language);
        Assert.Equal(["instructor"], document.Roles);
        Assert.Equal(DocumentStatus.Ready, document.Status);
    }

    [Fact]
    public async Task A_bucket_listed_over_several_pages_is_read_back_whole()
    {
        await using var host = BedrockTestHost.Start();
        host.S3.ListPageSize = 2;
        foreach (var name in new[] { "a", "b", "c" })
        {
            host.S3.Objects[$"documents/{name}.md"] = Encoding.UTF8.GetBytes($"Document {name}.");
            host.S3.Objects[$"documents/{name}.md.metadata.json"] = Encoding.UTF8.GetBytes(
                $$$"""{"metadataAttributes":{"roles":["instructor"],"language":"en","title":"{{{name}}}"}}""");
        }

        var documents = await host.Get<IDocumentLibrary>().ListAsync(CancellationToken.None);

        Assert.Equal(["a", "b", "c"], documents.Select(d => d.Title).Order(StringComparer.Ordinal));
        Assert.Equal(3, host.S3.Requests.Count(r => r.Method == "GET" && r.RawTarget.Contains("list-type=2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_upload_with_an_unknown_role_is_refused_and_nothing_is_stored()
    {
        await using var host = BedrockTestHost.Start();

        var failure = await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Get<IDocumentLibrary>().AddAsync(Upload("x.md", "text", ["superuser"]), CancellationToken.None));

        Assert.Contains("instructor, staff, admin", failure.Message, StringComparison.Ordinal);
        Assert.Empty(host.S3.Objects);
        Assert.Equal(0, host.Agent.JobsStarted);
    }

    [Fact]
    public async Task An_upload_s3_refuses_fails_naming_access_denied_and_the_bucket_and_nothing_is_listed_or_synced()
    {
        // The bucket policy lets the app list but not write, as when s3:PutObject is missing from the task role.
        await using var host = BedrockTestHost.Start();
        host.S3.Refuse = request => request.Method == "PUT" ? FakeS3.AccessDenied : null;
        var library = host.Get<IDocumentLibrary>();

        var failure = await Assert.ThrowsAsync<DocumentLibraryException>(() =>
            library.AddAsync(Upload("refunds.md", "Staff issue refunds within 14 days.", ["staff"]), CancellationToken.None));

        Assert.Equal(DocumentStoreFailure.AccessDenied, failure.Failure);
        Assert.Equal("AccessDenied", failure.ErrorCode);
        Assert.Equal(
            $"Amazon S3 denied access to bucket '{FakeS3.Bucket}' (AccessDenied): the app's AWS credentials must be valid and their IAM policy must allow s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on it.",
            failure.Message);
        Assert.Empty(host.S3.Objects);
        Assert.Empty(await library.ListAsync(CancellationToken.None));
        Assert.Equal(0, host.Agent.JobsStarted);
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_is_named_when_the_library_is_read()
    {
        // The fake answers NoSuchBucket for any bucket but its own.
        await using var host = BedrockTestHost.Start(new Dictionary<string, string?> { ["KnowledgeBase:Bucket"] = "kb-missing" });

        var failure = await Assert.ThrowsAsync<DocumentLibraryException>(() => host.Get<IDocumentLibrary>().ListAsync(CancellationToken.None));

        Assert.Equal(DocumentStoreFailure.BucketNotFound, failure.Failure);
        Assert.Equal("The knowledge base bucket 'kb-missing' does not exist (NoSuchBucket): check KnowledgeBase:Bucket and Aws:Region.", failure.Message);
    }

    [Fact]
    public async Task An_ingestion_job_the_agent_refuses_marks_the_document_failed_naming_the_cause()
    {
        await using var host = BedrockTestHost.Start();
        host.Agent.Refusal = (403, "AccessDeniedException", "User: arn:aws:sts::111122223333:assumed-role/app is not authorized to perform: bedrock:StartIngestionJob");
        var library = host.Get<IDocumentLibrary>();

        var added = await library.AddAsync(Upload("refunds.md", "Staff issue refunds within 14 days.", ["staff"]), CancellationToken.None);
        await host.Get<KnowledgeBaseDocumentLibrary>().WhenSyncedAsync();

        var document = (await library.GetAsync(added.Id, CancellationToken.None))!;
        Assert.Equal(DocumentStatus.Failed, document.Status);
        Assert.Equal(DocumentStoreFailure.AccessDenied, document.StoreFailure);
        Assert.Equal("Amazon Bedrock Agent denied access: check the AWS credentials and that their IAM policy allows this call.", document.Error);
        Assert.Equal(0, host.Agent.JobsStarted);
    }

    [Fact]
    public async Task An_unreachable_ingestion_service_marks_the_document_failed_instead_of_leaving_it_syncing()
    {
        await using var host = BedrockTestHost.Start(new Dictionary<string, string?> { ["Aws:BedrockAgentUrl"] = ClosedLoopbackUrl() });
        var library = host.Get<IDocumentLibrary>();

        var added = await library.AddAsync(Upload("refunds.md", "Staff issue refunds within 14 days.", ["staff"]), CancellationToken.None);
        await host.Get<KnowledgeBaseDocumentLibrary>().WhenSyncedAsync();

        var document = (await library.GetAsync(added.Id, CancellationToken.None))!;
        Assert.Equal(DocumentStatus.Failed, document.Status);
        Assert.Equal(DocumentStoreFailure.Unavailable, document.StoreFailure);
        Assert.StartsWith("Amazon Bedrock Agent could not be reached (ConnectionError)", document.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_s3_endpoint_is_a_library_failure_naming_it_unavailable()
    {
        await using var host = BedrockTestHost.Start(new Dictionary<string, string?> { ["Aws:S3Url"] = ClosedLoopbackUrl() });

        var failure = await Assert.ThrowsAsync<DocumentLibraryException>(() => host.Get<IDocumentLibrary>().ListAsync(CancellationToken.None));

        Assert.Equal(DocumentStoreFailure.Unavailable, failure.Failure);
        Assert.StartsWith("Amazon S3 could not be reached or failed", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KnowledgeBase:Id")]
    [InlineData("KnowledgeBase:DataSourceId")]
    [InlineData("KnowledgeBase:Bucket")]
    [InlineData("Aws:Region")]
    public async Task A_missing_knowledge_base_setting_fails_at_start_naming_the_key(string key)
    {
        await using var host = BedrockTestHost.Start(new Dictionary<string, string?> { [key] = null, ["Generation:Provider"] = "Extractive" });

        var failure = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = host.Get<IOptions<KnowledgeBaseOptions>>().Value;
            _ = host.Get<IOptions<AwsOptions>>().Value;
        });

        Assert.Contains($"{key} is required when Retrieval:Provider is BedrockKnowledgeBase", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback address nothing listens on: a port the system handed out and that was closed again.</summary>
    private static string ClosedLoopbackUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    private static DocumentUpload Upload(string fileName, string text, IReadOnlyList<string> roles) =>
        new() { FileName = fileName, Content = new MemoryStream(Encoding.UTF8.GetBytes(text)), Roles = roles };
}
