using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Tests.Domain.Conversations;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LearningNavigator.Tests.Integration;

/// <summary>The whole app with Storage:Provider=DynamoDb against DynamoDB Local: sign in, ask, read back.</summary>
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbChatFlowTests(DynamoDbLocalFixture dynamo)
{
    private sealed class DynamoDbAppFactory(DynamoDbLocalFixture dynamo, string table) : NavigatorAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "DynamoDb",
                ["Storage:DynamoDb:TableName"] = table,
                ["Aws:Region"] = "eu-west-2",
                ["Aws:DynamoDbUrl"] = dynamo.ServiceUrl,
            }));
            // The app builds its client from the keys above; only the credentials are the test's (fixed dummies).
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IAmazonDynamoDB>();
                services.AddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(
                    sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AwsOptions>>().Value,
                    sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DynamoDbStorageOptions>>().Value,
                    DynamoDbLocalFixture.Credentials));
            });
        }
    }

    [Fact]
    public async Task A_signed_in_instructor_asks_and_the_conversation_lives_in_DynamoDB()
    {
        var table = $"ln-app-{Guid.NewGuid():N}";
        await dynamo.CreateTableAsync(table);
        using var app = new DynamoDbAppFactory(dynamo, table);
        using var client = await SignIn.AsAsync(app, "instructor@example.org");
        string userId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            userId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("instructor@example.org"))!.Id;
        }

        Assert.IsType<DynamoDbConversationStore>(app.Services.GetRequiredService<IConversationStore>());
        var conversationId = Guid.CreateVersion7().ToString("N");
        // A marker of its own: the empty chat page suggests the plain ALGEE question to everyone.
        var question = $"What are the steps of the ALGEE action plan? (case {Guid.NewGuid():N})";
        AnswerCompleted? completed = null;
        await foreach (var update in app.Services.GetRequiredService<AnswerPipeline>().AskAsync(
            new AskRequest { UserId = userId, Role = AppRoles.Instructor, ConversationId = conversationId, Text = question },
            CancellationToken.None))
        {
            completed = update as AnswerCompleted ?? completed;
        }

        Assert.NotNull(completed);
        Assert.NotEmpty(completed.AssistantMessage.Citations);

        // The rows, read straight from the table with the documented keys.
        var messages = await dynamo.Client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :msg)",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = $"CONV#{conversationId}" }, [":msg"] = new AttributeValue { S = "MSG#" } },
        });
        Assert.Equal([question, completed.AssistantMessage.Text], messages.Items.Select(i => i["Text"].S));
        var conversation = (await dynamo.Client.GetItemAsync(table, new()
        {
            ["PK"] = new AttributeValue { S = $"USER#{userId}" },
            ["SK"] = new AttributeValue { S = $"CONV#{conversationId}" },
        })).Item;
        Assert.Equal("2", conversation["MessageCount"].N);
        var profile = (await dynamo.Client.GetItemAsync(table, new()
        {
            ["PK"] = new AttributeValue { S = $"USER#{userId}" },
            ["SK"] = new AttributeValue { S = "PROFILE" },
        })).Item;
        Assert.Equal("instructor@example.org", profile["Email"].S);
        var today = DateOnly.FromDateTime(completed.AssistantMessage.CreatedAt.UtcDateTime);
        var usage = await app.Services.GetRequiredService<IConversationStore>().GetDailyUsageAsync(today.AddDays(-1), today, CancellationToken.None);
        var row = Assert.Single(usage, r => r.Role == AppRoles.Instructor);
        Assert.Equal((1, 1), (row.Questions, row.Answers));

        // The chat page renders it for its owner, from DynamoDB, and refuses it to anyone else.
        var page = await client.GetStringAsync($"/c/{conversationId}");
        Assert.Contains(WebUtility.HtmlEncode(question), page, StringComparison.Ordinal);
        using var staff = await SignIn.AsAsync(app, "staff@example.org");
        var stranger = await staff.GetStringAsync($"/c/{conversationId}");
        Assert.DoesNotContain(WebUtility.HtmlEncode(question), stranger, StringComparison.Ordinal);
        Assert.Contains("is not yours", stranger, StringComparison.Ordinal);
    }
}
