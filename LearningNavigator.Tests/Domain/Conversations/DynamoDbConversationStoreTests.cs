using Amazon.DynamoDBv2.Model;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.DynamoDb;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Conversations;

[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbConversationStoreTests(DynamoDbLocalFixture dynamo) : ConversationStoreContractTests
{
    private const int RetentionDays = 30;

    protected override Task<IConversationStore> CreateStoreAsync() => Task.FromResult<IConversationStore>(NewStore(DynamoDbLocalFixture.SharedTableName));

    private DynamoDbConversationStore NewStore(string table) => new(
        dynamo.Client,
        Options.Create(new DynamoDbStorageOptions { TableName = table }),
        Options.Create(new StorageOptions { Provider = StorageOptions.DynamoDb, RetentionDays = RetentionDays }));

    private async Task<Dictionary<string, AttributeValue>> RawItemAsync(string pk, string sk) =>
        (await dynamo.Client.GetItemAsync(new GetItemRequest
        {
            TableName = DynamoDbLocalFixture.SharedTableName,
            Key = new() { ["PK"] = new AttributeValue { S = pk }, ["SK"] = new AttributeValue { S = sk } },
        })).Item;

    [Fact]
    public async Task Items_use_the_documented_keys_and_messages_carry_the_TTL_attribute()
    {
        var userId = NewId("user");
        await Store.UpsertUserAsync(new UserProfile { Id = userId, Email = "a@b.c", DisplayName = "A", Role = AppRoles.Staff }, Ct);
        var conversation = await CreateConversationAsync(userId);
        var message = NewMessage(conversation.Id, new DateTimeOffset(2025, 3, 4, 10, 15, 30, 123, TimeSpan.Zero));
        await Store.SaveMessageAsync(message, Ct);
        await Store.SaveFeedbackAsync(new MessageFeedback { MessageId = message.Id, UserId = userId, Rating = FeedbackRating.Up, CreatedAt = message.CreatedAt }, Ct);

        Assert.Equal("User", (await RawItemAsync($"USER#{userId}", "PROFILE"))["Type"].S);
        var conversationItem = await RawItemAsync($"USER#{userId}", $"CONV#{conversation.Id}");
        Assert.Equal($"DATE#{conversation.CreatedAt.UtcDateTime:yyyy-MM-dd}", conversationItem["GSI1PK"].S);
        Assert.Equal($"CONV#{conversation.Id}", conversationItem["GSI1SK"].S);
        var messageItem = await RawItemAsync($"CONV#{conversation.Id}", $"MSG#2025-03-04T10:15:30.1230000Z#0000000001#{message.Id}");
        Assert.Equal(message.Text, messageItem["Text"].S);
        Assert.Equal(message.CreatedAt.AddDays(RetentionDays).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), messageItem["ExpiresAt"].N);
        Assert.Equal("1", (await RawItemAsync($"MSG#{message.Id}", $"FEEDBACK#{userId}"))["Rating"].N);
    }

    [Fact]
    public async Task The_table_is_on_demand_with_GSI1_and_TTL_and_creating_it_again_changes_nothing()
    {
        var name = NewId("ln-create");
        var table = new DynamoDbTable(dynamo.Client, Options.Create(new DynamoDbStorageOptions { TableName = name }));

        Assert.False(await table.ExistsAsync(Ct));
        Assert.True(await table.CreateIfMissingAsync(Ct));
        Assert.False(await table.CreateIfMissingAsync(Ct));

        var description = (await dynamo.Client.DescribeTableAsync(name)).Table;
        Assert.Equal("PAY_PER_REQUEST", description.BillingModeSummary?.BillingMode?.Value);
        var gsi = Assert.Single(description.GlobalSecondaryIndexes);
        Assert.Equal("GSI1", gsi.IndexName);
        Assert.Equal(["GSI1PK", "GSI1SK"], gsi.KeySchema.Select(k => k.AttributeName));
        var ttl = (await dynamo.Client.DescribeTimeToLiveAsync(name)).TimeToLiveDescription;
        Assert.Equal("ExpiresAt", ttl.AttributeName);
        await dynamo.Client.DeleteTableAsync(name);
    }

    [Fact]
    public async Task Saving_a_message_for_an_unknown_conversation_fails_and_writes_nothing()
    {
        var message = NewMessage(NewId("conv"), DateTimeOffset.UnixEpoch);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SaveMessageAsync(message, Ct));

        Assert.Contains(message.ConversationId, error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetMessageAsync(message.Id, Ct));
    }
}
