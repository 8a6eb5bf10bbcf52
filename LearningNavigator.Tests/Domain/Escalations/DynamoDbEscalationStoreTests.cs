using Amazon.DynamoDBv2.Model;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Escalations;
using LearningNavigator.Escalations.DynamoDb;
using LearningNavigator.Tests.Domain.Conversations;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Escalations;

[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbEscalationStoreTests(DynamoDbLocalFixture dynamo) : EscalationStoreContractTests
{
    protected override Task<IEscalationStore> CreateStoreAsync() => Task.FromResult<IEscalationStore>(
        new DynamoDbEscalationStore(dynamo.Client, Options.Create(new DynamoDbStorageOptions { TableName = DynamoDbLocalFixture.SharedTableName })));

    private async Task<Dictionary<string, AttributeValue>> RawItemAsync(string pk, string sk) =>
        (await dynamo.Client.GetItemAsync(new GetItemRequest
        {
            TableName = DynamoDbLocalFixture.SharedTableName,
            Key = new() { ["PK"] = new AttributeValue { S = pk }, ["SK"] = new AttributeValue { S = sk } },
        })).Item;

    [Fact]
    public async Task Items_use_the_documented_keys_and_the_queue_index_follows_the_status()
    {
        var escalation = NewEscalation(role: NewId("role"));
        await Store.CreateAsync(escalation, Ct);

        var item = await RawItemAsync($"ESC#{escalation.Id}", "ESCALATION");
        Assert.Equal("Escalation", item["Type"].S);
        Assert.Equal("ESCQ#new", item["GSI1PK"].S);
        Assert.Equal($"2026-02-03T09:00:00.0000000Z#{escalation.Id}", item["GSI1SK"].S);
        Assert.Equal(escalation.Id, (await RawItemAsync($"USER#{escalation.UserId}", $"ESC#{escalation.Id}"))["EscalationId"].S);
        Assert.Equal("1", (await RawItemAsync("ESCOPEN", $"ROLE#{escalation.Role}#LANG#en"))["Open"].N);

        await Store.UpdateAsync(escalation with { Status = EscalationStatus.Resolved, ResolutionAnswer = "Yes.", Version = 2 }, Ct);

        Assert.Equal("ESCQ#resolved", (await RawItemAsync($"ESC#{escalation.Id}", "ESCALATION"))["GSI1PK"].S);
        Assert.Equal("0", (await RawItemAsync("ESCOPEN", $"ROLE#{escalation.Role}#LANG#en"))["Open"].N);
    }
}
