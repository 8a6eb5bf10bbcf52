using System.Xml.Linq;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using LearningNavigator.Conversations;
using LearningNavigator.Tests.Domain.Conversations;
using LearningNavigator.Tests.TestSupport;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Web.Auth;

/// <summary>
/// The key ring in DynamoDB Local. Each test has a table of its own: the keys share one partition, so a shared
/// table would let one test's keys into another's ring.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class DataProtectionDynamoDbTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory contentRoot = new("ln-dp");

    private async Task<string> NewTableAsync()
    {
        var name = $"ln-dp-{Guid.NewGuid():N}";
        await dynamo.CreateTableAsync(name);
        return name;
    }

    /// <summary>One "task": the app's own wiring (AddConversationStore, then the data-protection store) on the table.</summary>
    private ServiceProvider NewTask(string table)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataProtection:Store"] = "DynamoDb",
            ["Storage:DynamoDb:TableName"] = table,
            ["Aws:Region"] = "eu-west-2",
            ["Aws:DynamoDbUrl"] = dynamo.ServiceUrl,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        // Registered first, so the store's TryAdd keeps it: DynamoDB Local takes only the fixture's dummy credentials.
        services.AddSingleton<IAmazonDynamoDB>(_ => dynamo.NewClient());
        services.AddConversationStore(configuration);
        services.AddDataProtection().SetApplicationName("LearningNavigator").PersistKeysToConfiguredStore(configuration, contentRoot.Path);
        return services.BuildServiceProvider();
    }

    private DynamoDbXmlRepository Repository(string table) => new(dynamo.Client, table);

    [Fact]
    public async Task A_payload_protected_by_one_task_is_unprotected_by_another_on_the_same_table()
    {
        var table = await NewTableAsync();
        using var first = NewTask(table);
        var protectedByFirst = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Protect("instructor@example.org");

        // The second task starts after the first made its key, as a replacement or a scaled-out task would.
        using var second = NewTask(table);
        var secondProtector = second.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in");

        Assert.IsType<DynamoDbXmlRepository>(second.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
        Assert.Equal("instructor@example.org", secondProtector.Unprotect(protectedByFirst));
        Assert.Equal("circuit", first.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Unprotect(secondProtector.Protect("circuit")));
        var key = Assert.Single(await Repository(table).GetAllElementsAsync(Ct));
        Assert.Equal("key", key.Name.LocalName);
    }

    [Fact]
    public async Task A_key_is_stored_under_the_documented_item_and_shares_no_partition_with_conversations()
    {
        var table = await NewTableAsync();
        using var task = NewTask(table);
        task.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Protect("x");

        var items = (await dynamo.Client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = "DATAPROTECTION" } },
        })).Items;

        var item = Assert.Single(items);
        Assert.Equal("DataProtectionKey", item["Type"].S);
        Assert.StartsWith("KEY#key-", item["SK"].S, StringComparison.Ordinal);
        Assert.Equal("key", XElement.Parse(item["Xml"].S).Name.LocalName);
    }

    [Fact]
    public async Task A_stored_key_is_never_overwritten_by_a_second_store_of_the_same_name()
    {
        var table = await NewTableAsync();
        var repository = Repository(table);
        var original = new XElement("key", new XAttribute("id", "first"), new XElement("secret", "original"));
        repository.StoreElement(original, "key-1");

        var replacement = new XElement("key", new XAttribute("id", "first"), new XElement("secret", "replacement"));
        var error = Assert.Throws<InvalidOperationException>(() => repository.StoreElement(replacement, "key-1"));
        // The same element again is what the SDK's retry of a put that landed looks like: accepted, nothing changes.
        repository.StoreElement(new XElement(original), "key-1");

        Assert.Contains("key-1", error.Message, StringComparison.Ordinal);
        var stored = Assert.Single(repository.GetAllElements());
        Assert.Equal("original", stored.Element("secret")!.Value);
    }

    [Fact]
    public async Task Every_key_is_read_when_the_ring_takes_more_than_one_query_page()
    {
        var table = await NewTableAsync();
        // DynamoDB pages at 1 MB of items, which DynamoDB Local does not enforce; a small page makes the paging visible.
        var repository = new DynamoDbXmlRepository(dynamo.Client, table) { PageSize = 2 };
        for (var i = 0; i < 5; i++)
        {
            await repository.StoreElementAsync(new XElement("key", new XAttribute("n", i)), $"key-{i}", Ct);
        }

        var elements = await repository.GetAllElementsAsync(Ct);

        Assert.Equal(["0", "1", "2", "3", "4"], elements.Select(e => e.Attribute("n")!.Value).Order(StringComparer.Ordinal));
    }

    public void Dispose() => contentRoot.Dispose();
}
