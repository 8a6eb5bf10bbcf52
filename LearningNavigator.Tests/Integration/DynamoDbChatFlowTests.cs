using LearningNavigator.Aws;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using LearningNavigator.Conversations;
using LearningNavigator.Conversations.DynamoDb;
using LearningNavigator.Tests.Domain.Conversations;
using LearningNavigator.Tests.Integration.Api;
using LearningNavigator.Web.Api;
using LearningNavigator.Web.Api.Keys;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LearningNavigator.Tests.Integration;

/// <summary>
/// The whole app with Storage:Provider=DynamoDb against DynamoDB Local, driven only from outside: sign in, ask and
/// rate through /api/v1 with a personal API key, then read the items straight from the table by their documented
/// keys, and read the conversation back through the API and the chat page.
/// </summary>
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

    private static AttributeValue S(string value) => new() { S = value };

    private async Task<Dictionary<string, AttributeValue>> ItemAsync(string table, string pk, string sk) =>
        (await dynamo.Client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["PK"] = S(pk), ["SK"] = S(sk) }, ConsistentRead = true })).Item;

    private async Task<List<Dictionary<string, AttributeValue>>> ScanTypeAsync(string table, string type) =>
        (await dynamo.Client.ScanAsync(new ScanRequest
        {
            TableName = table,
            FilterExpression = "#t = :t",
            ExpressionAttributeNames = new() { ["#t"] = "Type" },
            ExpressionAttributeValues = new() { [":t"] = S(type) },
            ConsistentRead = true,
        })).Items;

    [Fact]
    public async Task A_question_asked_through_the_API_lives_in_DynamoDB_and_reads_back_through_the_API_and_the_chat_page()
    {
        var table = $"ln-app-{Guid.NewGuid():N}";
        await dynamo.CreateTableAsync(table);
        using var app = new DynamoDbAppFactory(dynamo, table);
        // The demo instructor signs in on the web (which writes the profile) and asks from a script with a personal key.
        using var browser = await SignIn.AsAsync(app, "instructor@example.org");
        string userId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            userId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("instructor@example.org"))!.Id;
        }

        var key = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(userId, "dynamodb flow", CancellationToken.None);
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        using var caller = new ApiCaller(userId, key.Secret, http);
        Assert.IsType<DynamoDbConversationStore>(app.Services.GetRequiredService<IConversationStore>());

        var conversationId = await caller.CreateConversationAsync("ALGEE steps");
        // A marker of its own: the empty chat page suggests the plain ALGEE question to everyone.
        var question = $"What are the steps of the ALGEE action plan? (case {Guid.NewGuid():N})";
        var events = await caller.AskAndReadAllAsync(conversationId, question);

        Assert.Equal(AnswerStream.Done, events[^1].EventType);
        var done = ApiCaller.Data(events[^1]);
        var (questionId, answerId) = (done.GetProperty("userMessageId").GetString()!, done.GetProperty("messageId").GetString()!);
        var answer = string.Concat(events.Where(e => e.EventType == AnswerStream.Delta).Select(e => ApiCaller.Data(e).GetProperty("text").GetString()));
        Assert.NotEmpty(ApiCaller.Data(Assert.Single(events, e => e.EventType == AnswerStream.Citations)).GetProperty("citations").EnumerateArray());

        using var rated = await caller.Http.PostAsJsonAsync($"/api/v1/messages/{answerId}/feedback", new { rating = "up", comment = "Clear." });
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);

        // The items, read straight from the table by the keys docs/data-model.md documents.
        var messages = (await dynamo.Client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :msg)",
            ExpressionAttributeValues = new() { [":pk"] = S($"CONV#{conversationId}"), [":msg"] = S("MSG#") },
            ConsistentRead = true,
        })).Items;
        Assert.Equal([(questionId, "user", question), (answerId, "assistant", answer)], messages.Select(i => (i["Id"].S, i["Author"].S, i["Text"].S)));
        Assert.All(messages, i => Assert.Matches($"^MSG#\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{{7}}Z#\\d{{10}}#{i["Id"].S}$", i["SK"].S));
        Assert.All(messages, i => Assert.Equal((userId, AppRoles.Instructor), (i["UserId"].S, i["Role"].S)));
        var conversation = await ItemAsync(table, $"USER#{userId}", $"CONV#{conversationId}");
        Assert.Equal(("ALGEE steps", "2"), (conversation["Title"].S, conversation["MessageCount"].N));
        Assert.Equal($"DATE#{DateTimeOffset.Parse(conversation["CreatedAt"].S, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime:yyyy-MM-dd}", conversation["GSI1PK"].S);
        Assert.Equal(userId, (await ItemAsync(table, $"CONV#{conversationId}", "OWNER"))["UserId"].S);
        Assert.Equal(conversationId, (await ItemAsync(table, $"MSG#{answerId}", "MESSAGE"))["ConversationId"].S);
        var feedback = await ItemAsync(table, $"MSG#{answerId}", $"FEEDBACK#{userId}");
        Assert.Equal(("1", "Clear."), (feedback["Rating"].N, feedback["Comment"].S));
        Assert.Equal("instructor@example.org", (await ItemAsync(table, $"USER#{userId}", "PROFILE"))["Email"].S);
        // The usage items count the exchange and the rating, whichever hour it fell in.
        var usage = (await ScanTypeAsync(table, "DailyUsage")).Where(i => i["Role"].S == AppRoles.Instructor).ToList();
        long Sum(string counter) => usage.Sum(i => i.TryGetValue(counter, out var v) ? long.Parse(v.N, System.Globalization.CultureInfo.InvariantCulture) : 0);
        Assert.Equal((1L, 1L, 1L, 1L), (Sum("Questions"), Sum("Answers"), Sum("ThumbsUp"), Sum("Conversations")));
        Assert.Single(await ScanTypeAsync(table, "ActiveUser"), i => i["UserId"].S == userId);

        // Back through the API, one message per page, and the conversation's counters.
        var first = await caller.Http.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages?pageSize=1");
        var token = first.GetProperty("continuationToken").GetString();
        var second = await caller.Http.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages?pageSize=1&continuationToken={Uri.EscapeDataString(token!)}");
        Assert.Equal(
            [(questionId, question), (answerId, answer)],
            first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
                .Select(m => (m.GetProperty("id").GetString(), m.GetProperty("text").GetString())));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("continuationToken").ValueKind);
        var read = await caller.Http.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        Assert.Equal(2, read.GetProperty("messageCount").GetInt32());

        // Someone else's key finds nothing there, and the chat page shows it to its owner only.
        using var stranger = await ApiCaller.CreateAsync(app, AppRoles.Staff);
        using var notYours = await stranger.Http.GetAsync($"/api/v1/conversations/{conversationId}/messages");
        Assert.Equal(HttpStatusCode.NotFound, notYours.StatusCode);
        var page = await browser.GetStringAsync($"/c/{conversationId}");
        Assert.Contains(WebUtility.HtmlEncode(question), page, StringComparison.Ordinal);
        using var staff = await SignIn.AsAsync(app, "staff@example.org");
        var strangerPage = await staff.GetStringAsync($"/c/{conversationId}");
        Assert.DoesNotContain(WebUtility.HtmlEncode(question), strangerPage, StringComparison.Ordinal);
        Assert.Contains("is not yours", strangerPage, StringComparison.Ordinal);
    }
}
