using LearningNavigator.Escalations;
using static LearningNavigator.Tests.Domain.Escalations.EscalationTestBed;

namespace LearningNavigator.Tests.Domain.Escalations;

public sealed class EscalationServiceTests : IDisposable
{
    private readonly EscalationTestBed bed = new();

    public void Dispose() => bed.Dispose();

    [Fact]
    public async Task Raising_an_own_answer_queues_the_question_answer_and_sources_once()
    {
        var answerId = await bed.AnswerAsync(Instructor);
        var changed = new List<Escalation>();
        bed.Service.Changed += changed.Add;

        var escalation = await bed.RaiseAsync(Instructor, answerId, "  ana@example.org ", "A client asked me.");
        var again = await bed.RaiseAsync(Instructor, answerId, "other@example.org");

        Assert.Equal(escalation.Id, again.Id);
        Assert.Equal("ana@example.org", again.ContactEmail);
        Assert.Equal("Can I teach the adult course online?", escalation.Question);
        Assert.Equal("Courses run in person [1].", escalation.Answer);
        Assert.Equal("Course formats", Assert.Single(escalation.Citations).Title);
        Assert.Equal((EscalationStatus.New, EscalationReason.UserRequest, AppRoles.Instructor), (escalation.Status, escalation.Reason, escalation.Role));
        Assert.Single(await bed.Service.ListMineAsync(Instructor, Ct));
        Assert.Single(changed);
        Assert.Equal(1, await bed.Store.CountOpenAsync(AppRoles.Instructor, "en", Ct));
    }

    [Fact]
    public async Task A_low_confidence_answer_is_escalated_for_that_reason_in_its_language()
    {
        var answerId = await bed.AnswerAsync(Staff, lowConfidence: true, language: "es", question: "¿Puedo dar el curso en línea?");

        var escalation = await bed.RaiseAsync(Staff, answerId);

        Assert.Equal(EscalationReason.LowConfidence, escalation.Reason);
        Assert.Equal(("es", AppRoles.Staff), (escalation.Language, escalation.Role));
    }

    [Theory]
    [InlineData("", "ContactEmail", EscalationInputProblem.EmailRequired)]
    [InlineData("ana", "ContactEmail", EscalationInputProblem.EmailInvalid)]
    [InlineData("ana@localhost", "ContactEmail", EscalationInputProblem.EmailInvalid)]
    [InlineData("Ana <ana@example.org>", "ContactEmail", EscalationInputProblem.EmailInvalid)]
    [InlineData("ana@example.org", "Note", EscalationInputProblem.NoteTooLong)]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_queued(string email, string field, EscalationInputProblem problem)
    {
        var answerId = await bed.AnswerAsync(Instructor);
        var note = field == "Note" ? new string('x', EscalationInput.MaxNoteLength + 1) : null;

        var ex = await Assert.ThrowsAsync<EscalationInputException>(() => bed.RaiseAsync(Instructor, answerId, email, note));

        Assert.Equal(field, ex.ParamName);
        Assert.Equal(problem, ex.Problem);
        Assert.StartsWith(field, ex.Message, StringComparison.Ordinal);
        Assert.Empty(await bed.Service.ListMineAsync(Instructor, Ct));
    }

    [Fact]
    public async Task Someone_else_s_answer_a_question_or_an_unknown_id_cannot_be_escalated_or_read()
    {
        var answerId = await bed.AnswerAsync(Instructor);
        await bed.RaiseAsync(Instructor, answerId);
        var questionId = (await bed.Conversations.GetMessagesAsync((await bed.Conversations.GetMessageAsync(answerId, Ct))!.ConversationId, Ct))[0].Id;

        await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => bed.RaiseAsync(OtherInstructor, answerId));
        await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => bed.RaiseAsync(Instructor, questionId));
        await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => bed.RaiseAsync(Instructor, "a-does-not-exist"));
        Assert.Null(await bed.Service.GetForMessageAsync(OtherInstructor, answerId, Ct));
        Assert.Null(await bed.Service.GetAsync(OtherInstructor, Escalation.IdFor(answerId), Ct));
        Assert.Empty(await bed.Service.ListMineAsync(OtherInstructor, Ct));
        Assert.NotNull(await bed.Service.GetForMessageAsync(Instructor, answerId, Ct));
        Assert.NotNull(await bed.Service.GetAsync(Admin, Escalation.IdFor(answerId), Ct));
    }

    [Fact]
    public async Task Only_admins_work_the_queue()
    {
        var escalation = await bed.RaiseAsync(Instructor, await bed.AnswerAsync(Instructor));

        foreach (var actor in new[] { Instructor, Staff })
        {
            await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => bed.Service.ListQueueAsync(actor, new EscalationQuery(), Ct));
            await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => bed.Service.StartAsync(actor, escalation.Id, Ct));
            await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => bed.Service.AssignAsync(actor, escalation.Id, actor.Id, actor.Name, Ct));
            await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => bed.Service.AddNoteAsync(actor, escalation.Id, "me", Ct));
            await Assert.ThrowsAsync<EscalationAccessDeniedException>(() => bed.Service.ResolveAsync(actor, escalation.Id, "Yes.", Ct));
        }

        var stored = await bed.Store.GetAsync(escalation.Id, Ct);
        Assert.Equal((EscalationStatus.New, 1L, 0), (stored!.Status, stored.Version, stored.Notes.Count));
    }

    [Fact]
    public async Task The_status_moves_forward_only_and_resolving_needs_an_answer()
    {
        var escalation = await bed.RaiseAsync(Instructor, await bed.AnswerAsync(Instructor));

        var started = await bed.Service.StartAsync(Admin, escalation.Id, Ct);
        Assert.Equal((EscalationStatus.InProgress, Admin.Id, "Ada Admin"), (started.Status, started.AssigneeId, started.AssigneeName));
        await Assert.ThrowsAsync<EscalationTransitionException>(() => bed.Service.StartAsync(Admin, escalation.Id, Ct));

        var blank = await Assert.ThrowsAsync<EscalationInputException>(() => bed.Service.ResolveAsync(Admin, escalation.Id, "   ", Ct));
        Assert.Equal("ResolutionAnswer", blank.ParamName);
        Assert.Equal(EscalationStatus.InProgress, (await bed.Store.GetAsync(escalation.Id, Ct))!.Status);

        var noted = await bed.Service.AddNoteAsync(Admin, escalation.Id, "Asked the course team.", Ct);
        Assert.Equal(("Asked the course team.", "Ada Admin"), (Assert.Single(noted.Notes).Text, noted.Notes[0].AuthorName));

        var resolved = await bed.Service.ResolveAsync(Admin, escalation.Id, "Yes, the adult course runs online too.", Ct);
        Assert.Equal((EscalationStatus.Resolved, "Yes, the adult course runs online too.", "Ada Admin"), (resolved.Status, resolved.ResolutionAnswer, resolved.ResolvedBy));
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Equal(0, await bed.Store.CountOpenAsync(AppRoles.Instructor, null, Ct));

        var back = await Assert.ThrowsAsync<EscalationTransitionException>(() => bed.Service.StartAsync(Admin, escalation.Id, Ct));
        Assert.Equal((EscalationStatus.Resolved, EscalationStatus.InProgress), (back.From, back.To));
        await Assert.ThrowsAsync<EscalationTransitionException>(() => bed.Service.ResolveAsync(Admin, escalation.Id, "Again.", Ct));
        await Assert.ThrowsAsync<EscalationTransitionException>(() => bed.Service.AssignAsync(Admin, escalation.Id, "someone", "Someone", Ct));
        Assert.Equal("Yes, the adult course runs online too.", (await bed.Service.GetForMessageAsync(Instructor, escalation.MessageId, Ct))!.ResolutionAnswer);
    }

    [Theory]
    [InlineData(EscalationStatus.New, EscalationStatus.InProgress, true)]
    [InlineData(EscalationStatus.New, EscalationStatus.Resolved, true)]
    [InlineData(EscalationStatus.InProgress, EscalationStatus.Resolved, true)]
    [InlineData(EscalationStatus.InProgress, EscalationStatus.New, false)]
    [InlineData(EscalationStatus.Resolved, EscalationStatus.New, false)]
    [InlineData(EscalationStatus.Resolved, EscalationStatus.InProgress, false)]
    [InlineData(EscalationStatus.New, EscalationStatus.New, false)]
    public void Transitions_are_forward_only(EscalationStatus from, EscalationStatus to, bool allowed) =>
        Assert.Equal(allowed, EscalationTransitions.IsAllowed(from, to));

    [Fact]
    public async Task Two_admins_changing_one_escalation_at_once_both_keep_their_change()
    {
        var escalation = await bed.RaiseAsync(Instructor, await bed.AnswerAsync(Instructor));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => bed.Service.AddNoteAsync(Admin, escalation.Id, $"note {i}", Ct)));

        var stored = await bed.Store.GetAsync(escalation.Id, Ct);
        Assert.Equal(4, stored!.Notes.Count);
        Assert.Equal(5, stored.Version);
    }
}
