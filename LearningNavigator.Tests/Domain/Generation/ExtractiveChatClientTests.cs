using LearningNavigator.Chat;
using LearningNavigator.Generation;
using LearningNavigator.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Tests.Domain.Generation;

public sealed class ExtractiveChatClientTests
{
    private static readonly RetrievedPassage AlgeePassage = Passage("algee#0", "en", """
        ALGEE is the MHFA action plan for helping someone through a mental health crisis.
        The five steps of ALGEE are:
        - Assess for risk of suicide or harm.
        - Listen nonjudgmentally.
        - Give reassurance and information.
        - Encourage appropriate professional help.
        - Encourage self-help and other support strategies.
        """);

    private static readonly RetrievedPassage MaterialsPassage = Passage("logistics#2", "en",
        "Course materials must be ordered two weeks before the session. Shipping to Alaska and Hawaii takes longer. Invoices are sent monthly.");

    private static readonly RetrievedPassage CertificationPassage = Passage("cert#1", "en",
        "Instructors renew their certification every three years. Renewal requires teaching at least three courses.");

    private static readonly RetrievedPassage FacturaPassage = Passage("facturas#0", "es",
        "Para enviar una factura, complete el formulario de facturación en el portal. Adjunte siempre el recibo original. Los pagos se procesan en un plazo de treinta días.");

    private static readonly RetrievedPassage MaterialesPassage = Passage("materiales#0", "es",
        "Los instructores pueden pedir materiales del curso en español. El envío tarda una semana.");

    private static RetrievedPassage Passage(string id, string language, string text) => new()
    {
        ChunkId = id,
        DocumentId = id.Split('#')[0],
        Title = id,
        Language = language,
        Text = text,
        Score = 1,
    };

    private static ExtractiveChatClient Client(TimeSpan? delay = null) =>
        new(Options.Create(new ExtractiveAnswererOptions { WordDelay = delay ?? TimeSpan.Zero }));

    private static Task<ChatResponse> AskAsync(string question, params RetrievedPassage[] passages) =>
        Client().GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You are helpful."), new ChatMessage(ChatRole.User, question)],
            new ChatOptions().WithPassages(passages));

    [Fact]
    public async Task Algee_question_quotes_the_five_steps_citing_the_algee_passage()
    {
        var response = await AskAsync("What are the steps of ALGEE?", AlgeePassage, MaterialsPassage, CertificationPassage);
        var answer = response.Text;

        Assert.Equal([1], CitationMarkers.Numbers(answer));
        Assert.Contains("- Assess for risk of suicide or harm [1].", answer, StringComparison.Ordinal);
        Assert.Contains("- Listen nonjudgmentally [1].", answer, StringComparison.Ordinal);
        Assert.Contains("- Give reassurance and information [1].", answer, StringComparison.Ordinal);
        Assert.Contains("- Encourage appropriate professional help [1].", answer, StringComparison.Ordinal);
        Assert.Contains("- Encourage self-help and other support strategies [1].", answer, StringComparison.Ordinal);
        // The list keeps its order and its introduction.
        Assert.True(answer.IndexOf("Assess", StringComparison.Ordinal) < answer.IndexOf("Listen", StringComparison.Ordinal));
        Assert.Contains("The five steps of ALGEE are [1]:", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("materials", answer, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Marker_number_is_the_passage_position_in_the_list()
    {
        var answer = (await AskAsync("What are the steps of ALGEE?", MaterialsPassage, AlgeePassage)).Text;

        Assert.Equal([2], CitationMarkers.Numbers(answer));
    }

    [Fact]
    public async Task Answer_draws_on_several_passages_and_only_cites_existing_ones()
    {
        var answer = (await AskAsync("How often do instructors renew certification, and when must course materials be ordered?",
            AlgeePassage, MaterialsPassage, CertificationPassage)).Text;

        var numbers = CitationMarkers.Numbers(answer);
        Assert.Contains(2, numbers);
        Assert.Contains(3, numbers);
        Assert.All(numbers, n => Assert.InRange(n, 1, 3));
        Assert.Contains("Course materials must be ordered two weeks before the session [2].", answer, StringComparison.Ordinal);
        Assert.Contains("Instructors renew their certification every three years [3].", answer, StringComparison.Ordinal);
        // Ordered by passage rank, not by score.
        Assert.True(answer.IndexOf("[2]", StringComparison.Ordinal) < answer.IndexOf("[3]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MaxSentences_limits_the_answer()
    {
        var client = new ExtractiveChatClient(Options.Create(new ExtractiveAnswererOptions { WordDelay = TimeSpan.Zero, MaxSentences = 1 }));

        var answer = (await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "How often do instructors renew certification, and when must course materials be ordered?")],
            new ChatOptions().WithPassages([MaterialsPassage, CertificationPassage]))).Text;

        Assert.Single(CitationMarkers.Find(answer));
    }

    [Fact]
    public async Task Off_topic_question_says_it_does_not_know_without_markers()
    {
        var answer = (await AskAsync("What is the capital of Mongolia?", AlgeePassage, MaterialsPassage)).Text;

        Assert.Equal(ExtractiveAnswerComposer.NotFoundEnglish, answer);
        Assert.Contains("don't know", answer, StringComparison.Ordinal);
        Assert.Empty(CitationMarkers.Find(answer));
    }

    [Fact]
    public async Task No_passages_says_it_does_not_know()
    {
        var response = await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "What are the steps of ALGEE?")]);

        Assert.Equal(ExtractiveAnswerComposer.NotFoundEnglish, response.Text);
    }

    [Fact]
    public async Task Spanish_question_gets_spanish_sentences()
    {
        var answer = (await AskAsync("¿Cómo envío mis facturas?", MaterialesPassage, FacturaPassage)).Text;

        Assert.StartsWith("Para enviar una factura, complete el formulario de facturación en el portal [2].", answer, StringComparison.Ordinal);
        Assert.Equal([2], CitationMarkers.Numbers(answer));
    }

    [Fact]
    public async Task Spanish_off_topic_question_says_it_does_not_know_in_spanish()
    {
        var answer = (await AskAsync("¿Cuál es la capital de Mongolia?", FacturaPassage)).Text;

        Assert.Equal(ExtractiveAnswerComposer.NotFoundSpanish, answer);
        Assert.Empty(CitationMarkers.Find(answer));
    }

    [Fact]
    public async Task Question_is_the_last_user_message()
    {
        var response = await Client().GetResponseAsync(
            [
                new ChatMessage(ChatRole.User, "What are the steps of ALGEE?"),
                new ChatMessage(ChatRole.Assistant, "ALGEE has five steps."),
                new ChatMessage(ChatRole.User, "How often do instructors renew certification?"),
            ],
            new ChatOptions().WithPassages([AlgeePassage, CertificationPassage]));

        Assert.Equal([2], CitationMarkers.Numbers(response.Text));
    }

    [Fact]
    public async Task Bracketed_numbers_in_source_text_do_not_become_citations()
    {
        var passage = Passage("paper#0", "en", "Suicide risk assessment improves outcomes [12]. Risk assessment should be repeated [3, 4].");

        var answer = (await AskAsync("Why does suicide risk assessment matter?", passage)).Text;

        Assert.Equal([1], CitationMarkers.Numbers(answer));
    }

    [Fact]
    public async Task Streaming_yields_word_updates_that_add_up_to_the_answer()
    {
        var client = Client();
        List<ChatMessage> messages = [new ChatMessage(ChatRole.User, "What are the steps of ALGEE?")];
        var options = new ChatOptions().WithPassages([AlgeePassage, MaterialsPassage]);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options))
        {
            updates.Add(update);
        }

        var whole = await client.GetResponseAsync(messages, options);
        var streamedText = string.Concat(updates.Select(u => u.Text));

        Assert.True(updates.Count > 20, $"only {updates.Count} updates");
        Assert.Equal(whole.Text, streamedText);
        Assert.All(updates, u =>
        {
            Assert.Equal(ChatRole.Assistant, u.Role);
            Assert.Equal("extractive-v1", u.ModelId);
            Assert.Equal(updates[0].ResponseId, u.ResponseId);
            Assert.Equal(updates[0].MessageId, u.MessageId);
        });
        Assert.False(string.IsNullOrEmpty(updates[0].ResponseId));

        var usage = Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents));
        var answerWords = streamedText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Equal(answerWords, usage.Details.OutputTokenCount);
        Assert.True(usage.Details.InputTokenCount > 30);
        Assert.Equal(answerWords, whole.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, whole.FinishReason);
        Assert.Equal("extractive-v1", whole.ModelId);
    }

    [Fact]
    public async Task Cancellation_stops_the_stream()
    {
        using var cts = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Client().GetStreamingResponseAsync(
                [new ChatMessage(ChatRole.User, "What are the steps of ALGEE?")],
                new ChatOptions().WithPassages([AlgeePassage]),
                cts.Token))
            {
                if (++received == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(3, received);
    }

    [Fact]
    public async Task Cancellation_interrupts_the_word_delay()
    {
        // A full second per word: without honouring the token this test would take a minute.
        var client = Client(TimeSpan.FromSeconds(1));
        using var cts = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(
                [new ChatMessage(ChatRole.User, "What are the steps of ALGEE?")],
                new ChatOptions().WithPassages([AlgeePassage]),
                cts.Token))
            {
                received++;
                await cts.CancelAsync();
            }
        });

        Assert.Equal(1, received);
    }

    [Fact]
    public void Metadata_names_the_extractive_provider()
    {
        using var client = Client();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("extractive", metadata?.ProviderName);
        Assert.Equal("extractive-v1", metadata?.DefaultModelId);
        Assert.Same(client, client.GetService<ExtractiveChatClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("some-key"));
    }

    [Fact]
    public void Grounding_context_round_trips_passages_and_defaults_to_empty()
    {
        var options = new ChatOptions().WithPassages([AlgeePassage]);

        Assert.Same(AlgeePassage, Assert.Single(GroundingContext.GetPassages(options)));
        Assert.Empty(GroundingContext.GetPassages(null));
        Assert.Empty(GroundingContext.GetPassages(new ChatOptions()));
    }

    [Fact]
    public async Task A_bare_list_under_a_matching_heading_is_quoted_and_only_one_list_is_used()
    {
        var steps = Passage("plan#1", "en", "1. Assess for risk.\n2. Listen nonjudgmentally.\n3. Give reassurance.") with { Title = "The ALGEE Action Plan", Heading = "The five steps" };
        var notes = Passage("plan#7", "en", "- Introduce ALGEE early.\n- Ask which ALGEE steps the group saw.") with { Title = "The ALGEE Action Plan", Heading = "Teaching notes" };

        var answer = (await AskAsync("What are the steps of the ALGEE action plan?", notes, steps)).Text;

        Assert.Contains("- Listen nonjudgmentally [2].", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Introduce ALGEE early", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_wrapped_inside_a_paragraph_are_quoted_as_whole_sentences()
    {
        var page = Passage("formats#2", "en", "A virtual course allows at most 20 participants, and a course with\nmore than 15 participants needs a co-instructor.\n\nBlended courses mix both.");

        var answer = (await AskAsync("How many participants can a virtual course have?", page)).Text;

        Assert.Contains("A virtual course allows at most 20 participants, and a course with more than 15 participants needs a co-instructor [1].", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Table_rows_are_quoted_one_at_a_time_never_glued_together()
    {
        var table = Passage("fees#1", "en", "Situation | Refund\nHost cancels 15 or more days before | 100% of course fees\nHost cancels fewer than 7 days before | No refund");

        var answer = (await AskAsync("What is the refund when the host cancels fewer than 7 days before?", table)).Text;

        Assert.Contains("Host cancels fewer than 7 days before | No refund [1]", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("100% of course fees Host cancels", answer, StringComparison.Ordinal);
    }
}
