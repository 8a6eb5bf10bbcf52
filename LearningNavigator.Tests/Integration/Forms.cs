using System.Net;
using System.Text.RegularExpressions;

namespace LearningNavigator.Tests.Integration;

/// <summary>Posts a server-rendered form as a browser would: its antiforgery token and Blazor form name included.</summary>
public static partial class Forms
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string pageHtml, Dictionary<string, string> fields)
    {
        var token = AntiforgeryToken().Match(pageHtml);
        Assert.True(token.Success, $"{url} has no antiforgery token.");
        var body = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        var handler = Handler().Match(pageHtml);
        if (handler.Success)
        {
            body["_handler"] = WebUtility.HtmlDecode(handler.Groups[1].Value);
        }

        return await client.PostAsync(url, new FormUrlEncodedContent(body));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]+)\"")]
    private static partial Regex Handler();
}
