using System.Text;
using LearningNavigator.Documents;
using static LearningNavigator.Tests.Domain.Documents.DocumentFixtures;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class ContentSnifferTests
{
    private static SniffedContent Sniff(byte[] bytes) => ContentSniffer.Sniff(new MemoryStream(bytes));

    [Fact]
    public void Recognises_each_kind_by_its_bytes_whatever_the_name()
    {
        Assert.Equal(SniffedContent.Pdf, Sniff(Pdf("T", ["x"])));
        Assert.Equal(SniffedContent.WordDocument, Sniff(Docx("T", Para("x"))));
        Assert.Equal(SniffedContent.OtherZip, Sniff(BadFileTests.Zip(("ppt/presentation.xml", [1, 2, 3]))));
        Assert.Equal(SniffedContent.BrokenZip, Sniff([0x50, 0x4B, 0x03, 0x04, 9, 9, 9]));
        Assert.Equal(SniffedContent.CompoundFile, Sniff([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]));
        Assert.Equal(SniffedContent.Text, Sniff(Encoding.UTF8.GetBytes("¿Dónde está el curso? ✓")));
        Assert.Equal(SniffedContent.Binary, Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]));
        Assert.Equal(SniffedContent.Empty, Sniff([]));
    }

    [Fact]
    public void A_multi_byte_character_cut_by_the_sample_window_is_still_text()
    {
        // 64 KiB of 'a' then 'é': the two-byte character straddles the end of the sample.
        var text = new string('a', 64 * 1024 - 1) + "é and more";

        Assert.Equal(SniffedContent.Text, Sniff(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Sniffing_leaves_the_stream_where_it_was()
    {
        using var stream = new MemoryStream(Docx("T", Para("x")));
        stream.Position = 0;

        ContentSniffer.Sniff(stream);

        Assert.Equal(0, stream.Position);
    }
}
