using LearningNavigator.Chat;

namespace LearningNavigator.Tests.Domain.Chat;

public sealed class CitationMarkersTests
{
    [Fact]
    public void Single_markers_are_numbers_in_order_of_first_appearance()
    {
        Assert.Equal([2, 1], CitationMarkers.Numbers("Listen first [2]. Then reassure [1]. Again [2]."));
    }

    [Fact]
    public void Comma_separated_marker_yields_each_number()
    {
        Assert.Equal([2, 3], CitationMarkers.Numbers("Both say so [2, 3]."));
        Assert.Equal([4, 1], CitationMarkers.Numbers("Tight [4,1]."));
    }

    [Fact]
    public void Adjacent_markers_are_found_separately()
    {
        var markers = CitationMarkers.Find("Assess risk [1][4].");

        Assert.Equal(2, markers.Count);
        Assert.Equal(12, markers[0].Start);
        Assert.Equal([1], markers[0].Numbers);
        Assert.Equal(15, markers[1].Start);
        Assert.Equal([4], markers[1].Numbers);
    }

    [Fact]
    public void Find_reports_exact_span_of_each_marker()
    {
        const string text = "Call 988 [1, 2] now.";

        var marker = Assert.Single(CitationMarkers.Find(text));

        Assert.Equal("[1, 2]", text.Substring(marker.Start, marker.Length));
        Assert.Equal([1, 2], marker.Numbers);
    }

    [Theory]
    [InlineData("Not a number [x].")]
    [InlineData("Too large [10000].")]
    [InlineData("See [the guide](https://example.org).")]
    [InlineData("A link [1](https://example.org) is not a citation.")]
    [InlineData("Footnote style[^1] is ignored.")]
    [InlineData("Zero [0] is not a passage.")]
    [InlineData("Code like items[1] is not a citation.")]
    [InlineData("")]
    public void Non_citations_are_ignored(string text)
    {
        Assert.Empty(CitationMarkers.Find(text));
        Assert.Empty(CitationMarkers.Numbers(text));
    }

    [Fact]
    public void Citations_survive_next_to_ignored_brackets()
    {
        Assert.Equal([3], CitationMarkers.Numbers("[guide](https://x.org) says [x] and [^2] but cites [3]."));
    }

    [Fact]
    public void Null_text_has_no_markers()
    {
        Assert.Empty(CitationMarkers.Find(null));
    }
}
