using Bunit;
using LearningNavigator.Web.Components.Pages.Chat;

namespace LearningNavigator.Tests.Web.Chat;

public sealed class ChatComposerTests : ComponentTestContext
{
    [Fact]
    public void Over_the_limit_shows_a_message_naming_the_length_and_disables_send()
    {
        var sent = new List<string>();
        var composer = Render<ChatComposer>(p => p.Add(x => x.OnSend, q => sent.Add(q)));

        composer.Find("[data-testid=chat-input]").Input(new string('x', 2001));

        Assert.Contains("2,001 characters", composer.Find("[data-testid=chat-input-error]").TextContent, StringComparison.Ordinal);
        Assert.Contains("limit is 2,000", composer.Find("[data-testid=chat-input-error]").TextContent, StringComparison.Ordinal);
        Assert.Contains("over", composer.Find("[data-testid=chat-counter]").ClassList);
        Assert.True(composer.Find("[data-testid=chat-send]").HasAttribute("disabled"));
        composer.Find("form").Submit();
        Assert.Empty(sent);
    }

    [Fact]
    public void Counter_follows_the_text_and_a_valid_question_is_sent_trimmed_then_cleared()
    {
        var sent = new List<string>();
        var composer = Render<ChatComposer>(p => p.Add(x => x.OnSend, q => sent.Add(q)));

        composer.Find("[data-testid=chat-input]").Input("  How do I invoice?  ");
        Assert.StartsWith("21 /", composer.Find("[data-testid=chat-counter]").TextContent, StringComparison.Ordinal);
        composer.Find("form").Submit();

        Assert.Equal(["How do I invoice?"], sent);
        Assert.Equal(string.Empty, composer.Instance.Text);
    }

    [Fact]
    public void Blank_question_is_not_sent()
    {
        var sent = new List<string>();
        var composer = Render<ChatComposer>(p => p.Add(x => x.OnSend, q => sent.Add(q)));

        composer.Find("[data-testid=chat-input]").Input("   ");
        composer.Find("form").Submit();

        Assert.Empty(sent);
        Assert.Contains("Type a question", composer.Find("[data-testid=chat-input-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void While_streaming_stop_is_offered_and_send_is_disabled()
    {
        var stopped = false;
        var composer = Render<ChatComposer>(p => p.Add(x => x.IsStreaming, true).Add(x => x.OnStop, () => stopped = true));

        composer.Find("[data-testid=chat-stop]").Click();

        Assert.True(stopped);
        Assert.True(composer.Find("[data-testid=chat-send]").HasAttribute("disabled"));
    }
}
