using System.ComponentModel.DataAnnotations;
using LearningNavigator.Documents;
using static LearningNavigator.Tests.Domain.Documents.DocumentFixtures;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class TextChunkerTests
{
    private static readonly DocumentMetadata Metadata = new()
    {
        Id = "instructor-guide",
        Title = "Instructor Guide",
        Language = "en",
        Roles = [AppRoles.Instructor, AppRoles.Admin],
        FileName = "instructor-guide.md",
    };

    private static readonly TextChunker Chunker = new(new ChunkingOptions { MaxTokens = 120, OverlapTokens = 20 });

    public static TheoryData<string> DocumentNames => ["headed", "paged", "tiny", "unbroken", "lists"];

    private static ExtractedDocument Build(string name) => name switch
    {
        "headed" => new ExtractedDocument("Guide",
        [
            new ExtractedSection(Prose(1, 6), null, null),
            new ExtractedSection(Prose(2, 2), null, "Invoicing"),
            new ExtractedSection(Prose(3, 9), null, "Assess for risk"),
            new ExtractedSection("Short.", null, "Contacts"),
        ]),
        "paged" => new ExtractedDocument("Manual",
        [
            new ExtractedSection(Prose(4, 4), 1, null),
            new ExtractedSection(Prose(5, 5), 2, null),
            new ExtractedSection(Prose(6, 1), 3, null),
        ]),
        "tiny" => new ExtractedDocument(null, [new ExtractedSection("¿Cómo facturo un curso?", null, null)]),
        // One "word" far longer than a chunk: only a hard cut can split it.
        "unbroken" => new ExtractedDocument(null, [new ExtractedSection(string.Concat(Enumerable.Repeat("abcdefghij0123456789", 300)), 1, null)]),
        "lists" => new ExtractedDocument(null,
        [
            new ExtractedSection(string.Join("\n", Enumerable.Range(1, 120).Select(i => $"- Item {i}: call the help line at extension {i * 7}")), null, "Checklist"),
        ]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(DocumentNames))]
    public void Offsets_point_exactly_at_the_chunk_text(string name)
    {
        var extracted = Build(name);
        var fullText = extracted.FullText;

        var chunks = Chunker.Chunk(Metadata, extracted);

        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Equal(c.Text, fullText[c.StartOffset..c.EndOffset]));
        Assert.All(chunks, c => Assert.Equal(c.Text.Trim(), c.Text));
    }

    [Theory]
    [MemberData(nameof(DocumentNames))]
    public void Chunks_fit_the_token_budget_and_report_their_token_count(string name)
    {
        var chunks = Chunker.Chunk(Metadata, Build(name));

        Assert.All(chunks, c =>
        {
            Assert.Equal(TextChunker.CountTokens(c.Text), c.TokenCount);
            Assert.InRange(c.TokenCount, 1, 120);
        });
    }

    [Theory]
    [MemberData(nameof(DocumentNames))]
    public void Each_chunk_lies_inside_one_section_and_carries_its_page_or_heading(string name)
    {
        var extracted = Build(name);
        var ranges = SectionRanges(extracted);

        var chunks = Chunker.Chunk(Metadata, extracted);

        foreach (var chunk in chunks)
        {
            var (start, end, section) = Assert.Single(ranges, r => chunk.StartOffset >= r.Start && chunk.StartOffset < r.End);
            Assert.True(chunk.EndOffset <= end, $"chunk {chunk.Id} runs past its section");
            Assert.Equal(section.Heading, chunk.Heading);
            Assert.Equal(section.Page, chunk.Page);
        }
    }

    [Theory]
    [MemberData(nameof(DocumentNames))]
    public void Every_character_of_every_section_is_in_some_chunk(string name)
    {
        var extracted = Build(name);
        var fullText = extracted.FullText;
        var covered = new bool[fullText.Length];

        foreach (var chunk in Chunker.Chunk(Metadata, extracted))
        {
            Array.Fill(covered, true, chunk.StartOffset, chunk.EndOffset - chunk.StartOffset);
        }

        var missed = Enumerable.Range(0, fullText.Length).Where(i => !covered[i] && !char.IsWhiteSpace(fullText[i])).ToList();
        Assert.Empty(missed);
    }

    [Fact]
    public void Consecutive_chunks_of_a_section_overlap_by_about_the_configured_tokens()
    {
        var extracted = Build("headed");
        var fullText = extracted.FullText;

        var chunks = Chunker.Chunk(Metadata, extracted);

        var pairs = chunks.Zip(chunks.Skip(1)).Where(p => p.First.Heading == p.Second.Heading).ToList();
        Assert.True(pairs.Count >= 5, "the fixture should produce several multi-chunk sections");
        foreach (var (previous, next) in pairs)
        {
            Assert.True(next.StartOffset < previous.EndOffset, $"{next.Id} does not overlap {previous.Id}");
            Assert.True(next.StartOffset > previous.StartOffset);
            var overlapTokens = TextChunker.CountTokens(fullText[next.StartOffset..previous.EndOffset]);
            Assert.InRange(overlapTokens, 8, 30);
        }
    }

    [Fact]
    public void Chunks_across_a_section_boundary_do_not_overlap()
    {
        var chunks = Chunker.Chunk(Metadata, Build("paged"));

        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)).Where(p => p.First.Page != p.Second.Page))
        {
            Assert.True(next.StartOffset > previous.EndOffset);
        }
    }

    [Fact]
    public void Chunks_end_at_sentence_ends_when_sentences_are_shorter_than_a_chunk()
    {
        var chunks = Chunker.Chunk(Metadata, Build("headed"));

        Assert.All(chunks, c => Assert.Contains(c.Text[^1], ".?"));
    }

    [Fact]
    public void Zero_overlap_tiles_the_section_without_repeating_text()
    {
        var chunker = new TextChunker(new ChunkingOptions { MaxTokens = 100, OverlapTokens = 0 });

        var chunks = chunker.Chunk(Metadata, Build("paged"));

        Assert.All(chunks.Zip(chunks.Skip(1)), p => Assert.True(p.Second.StartOffset >= p.First.EndOffset));
    }

    [Fact]
    public void Ids_ordinals_and_metadata_come_from_the_document()
    {
        var chunks = Chunker.Chunk(Metadata, Build("headed"));

        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
        Assert.All(chunks, c =>
        {
            Assert.Equal($"instructor-guide#{c.Ordinal}", c.Id);
            Assert.Equal("instructor-guide", c.DocumentId);
            Assert.Equal("Instructor Guide", c.Title);
            Assert.Equal("en", c.Language);
            Assert.Equal([AppRoles.Instructor, AppRoles.Admin], c.Roles);
        });
    }

    [Fact]
    public void A_section_smaller_than_a_chunk_is_one_chunk_equal_to_the_section()
    {
        var chunk = Assert.Single(Chunker.Chunk(Metadata, Build("tiny")));

        Assert.Equal("¿Cómo facturo un curso?", chunk.Text);
        Assert.Equal(0, chunk.StartOffset);
    }

    [Fact]
    public void Default_options_keep_chunks_within_500_tokens()
    {
        var chunker = new TextChunker(new ChunkingOptions());
        var extracted = new ExtractedDocument(null, [new ExtractedSection(Prose(9, 40), null, "Long")]);

        var chunks = chunker.Chunk(Metadata, extracted);

        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 500));
        Assert.All(chunks.SkipLast(1), c => Assert.True(c.TokenCount > 250, "chunks should be filled, not tiny"));
    }

    [Theory]
    [InlineData(100, 60)]
    [InlineData(10, 0)]
    [InlineData(500, -1)]
    public void Invalid_options_are_rejected(int maxTokens, int overlapTokens)
    {
        Assert.Throws<ValidationException>(() => new TextChunker(new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens }));
    }

    private static List<(int Start, int End, ExtractedSection Section)> SectionRanges(ExtractedDocument extracted)
    {
        var ranges = new List<(int, int, ExtractedSection)>();
        var offset = 0;
        foreach (var section in extracted.Sections)
        {
            ranges.Add((offset, offset + section.Text.Length, section));
            offset += section.Text.Length + ExtractedDocument.SectionSeparator.Length;
        }

        return ranges;
    }
}
