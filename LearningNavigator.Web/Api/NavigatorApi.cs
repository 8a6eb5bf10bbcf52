using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using LearningNavigator.Chat;
using LearningNavigator.Conversations;
using LearningNavigator.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using LearningNavigator.Web.Observability;

namespace LearningNavigator.Web.Api;

/// <summary>
/// The HTTP API under /api/v1 (docs/api.md). It is a thin skin over the same domain the chat page uses: the
/// answer pipeline validates, limits, guards, retrieves, answers and stores; the store's user-scoped reads
/// decide ownership. Errors are RFC 7807 problem details.
/// </summary>
public static class NavigatorApi
{
    public const string Prefix = "/api/v1";
    public const int MaxTitleLength = 200;
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static IServiceCollection AddNavigatorApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddTransient<IStartupFilter, RequestClockStartupFilter>();
        services.AddNavigatorApiAuthentication();
        services.AddNavigatorOpenApi();
        return services;
    }

    public static IEndpointRouteBuilder MapNavigatorApi(this IEndpointRouteBuilder endpoints)
    {
        // The description of the API is public: it holds no data, only the contract.
        endpoints.MapOpenApi().AllowAnonymous();

        var api = endpoints.MapGroup(Prefix)
            .RequireAuthorization(ApiAuthentication.Policy)
            .WithTags("Conversations")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapPost("/conversations", CreateConversationAsync)
            .WithName("CreateConversation")
            .WithSummary("Start a conversation")
            .Produces<ConversationDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        api.MapGet("/conversations", ListConversationsAsync)
            .WithName("ListConversations")
            .WithSummary("List my conversations, most recently active first")
            .Produces<ConversationPageDto>()
            .ProducesValidationProblem();
        api.MapGet("/conversations/{conversationId}", GetConversationAsync)
            .WithName("GetConversation")
            .WithSummary("Read one of my conversations")
            .Produces<ConversationDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/conversations/{conversationId}/messages", ReadMessagesAsync)
            .WithName("ListMessages")
            .WithSummary("Read the messages of my conversation, oldest first")
            .Produces<MessagePageDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/conversations/{conversationId}/messages", AskAsync)
            .WithName("AskQuestion")
            .WithSummary("Ask a question; the answer streams back as server-sent events")
            .WithDescription(AnswerStreamDescription)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/messages/{messageId}/feedback", SaveFeedbackAsync)
            .WithName("RateAnswer")
            .WithSummary("Rate an answer (thumbs up or down, with an optional comment); a second rating replaces the first")
            .Produces<FeedbackDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    internal const string AnswerStreamDescription =
        """
        The question is validated, rate-limited and stored before the response starts; any refusal is a problem
        document (400, 404, 429 with Retry-After). Then the answer streams as `text/event-stream`, each event's
        `data` one JSON object:

        - `crisis` `{"text"}`: crisis resources, only when the question contains crisis language; always first.
        - `delta` `{"text"}`: the next piece of the answer. The texts of `crisis` and all `delta`s, in order, are the stored answer.
        - `citations` `{"citations":[{"number","documentId","title","location","quote"}]}`: sources behind the [n] markers.
        - `usage` `{"model","inputTokens","outputTokens","cacheReadTokens","cacheWriteTokens","estimatedCostUsd","latencyMs","timeToFirstTokenMs","timings"}`;
          `timings` `{"acceptedMs","retrievalMs","modelFirstTokenMs","firstTokenMs","appAddedMs"}` splits the wait for the first word.
        - `followups` `{"questions":[...]}`: up to three questions to ask next.
        - `error` `{"status","title","detail","cause"}`: only when the search or the model failed; the partial answer is stored. `cause` names an AWS failure (throttled, accessDenied, modelNotEnabled, badConfiguration, serviceUnavailable, streamFailed), else null.
        - `done` `{"conversationId","userMessageId","messageId","interrupted","lowConfidence"}`: always last.

        Disconnecting mid-stream stops the answer; what had streamed is stored and marked interrupted.
        """;

    private static async Task<IResult> CreateConversationAsync(
        CreateConversationRequest? body, ClaimsPrincipal principal, IConversationStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var user = CurrentUser.From(principal)!;
        var title = body?.Title?.Trim();
        if (body?.Title is not null && (title!.Length == 0 || title.Length > MaxTitleLength))
        {
            return Invalid("title", $"A title is 1 to {MaxTitleLength} characters long.");
        }

        var now = time.GetUtcNow();
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7().ToString("N"),
            UserId = user.Id,
            Title = title ?? "New conversation",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.CreateConversationAsync(conversation, cancellationToken);
        return TypedResults.Created($"{Prefix}/conversations/{conversation.Id}", ConversationDto.From(conversation));
    }

    /// <remarks>
    /// The store lists a user's conversations by recency with a limit, so the token carries an offset: a
    /// conversation that becomes active between two pages moves to the front and may be seen twice or skipped.
    /// </remarks>
    private static async Task<IResult> ListConversationsAsync(
        ClaimsPrincipal principal, IConversationStore store, CancellationToken cancellationToken, int? pageSize = null, string? continuationToken = null)
    {
        var user = CurrentUser.From(principal)!;
        if (PageSizeProblem(pageSize) is { } sizeProblem)
        {
            return sizeProblem;
        }

        var offset = 0;
        if (continuationToken is not null && !TryReadOffset(continuationToken, out offset))
        {
            return Invalid("continuationToken", "The continuation token is not valid; start again without one.");
        }

        var size = pageSize ?? DefaultPageSize;
        var listed = await store.ListConversationsAsync(user.Id, offset + size + 1, cancellationToken);
        var page = listed.Skip(offset).Take(size).Select(ConversationDto.From).ToList();
        var next = listed.Count > offset + size ? OffsetToken(offset + size) : null;
        return TypedResults.Ok(new ConversationPageDto(page, next));
    }

    private static async Task<IResult> GetConversationAsync(string conversationId, ClaimsPrincipal principal, IConversationStore store, CancellationToken cancellationToken)
    {
        var user = CurrentUser.From(principal)!;
        return await store.GetConversationAsync(user.Id, conversationId, cancellationToken) is { } conversation
            ? TypedResults.Ok(ConversationDto.From(conversation))
            : ConversationNotFound(conversationId);
    }

    private static async Task<IResult> ReadMessagesAsync(
        string conversationId,
        ClaimsPrincipal principal,
        IConversationStore store,
        CancellationToken cancellationToken,
        int? pageSize = null,
        string? continuationToken = null)
    {
        var user = CurrentUser.From(principal)!;
        if (PageSizeProblem(pageSize) is { } sizeProblem)
        {
            return sizeProblem;
        }

        // The store reads someone else's conversation as an empty page; the API says 404 instead, as for an unknown one.
        if (await store.GetConversationAsync(user.Id, conversationId, cancellationToken) is null)
        {
            return ConversationNotFound(conversationId);
        }

        try
        {
            var page = await store.GetMessagePageAsync(user.Id, conversationId, pageSize ?? DefaultPageSize, continuationToken, cancellationToken);
            return TypedResults.Ok(new MessagePageDto([.. page.Messages.Select(MessageDto.From)], page.ContinuationToken));
        }
        catch (ArgumentException ex)
        {
            return Invalid("continuationToken", ex.Message[..(ex.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var cut and > 0 ? cut : ex.Message.Length)]);
        }
    }

    private static async Task<IResult> AskAsync(
        string conversationId,
        AskQuestionRequest body,
        ClaimsPrincipal principal,
        AnswerPipeline pipeline,
        IConversationStore store,
        HttpContext http)
    {
        var user = CurrentUser.From(principal)!;
        var cancellationToken = http.RequestAborted;
        if (body.Language is not null and not "en" and not "es")
        {
            return Invalid("language", "The language is \"en\" or \"es\".");
        }

        // The pipeline would start a conversation under an unknown id; the API creates them explicitly instead.
        if (await store.GetConversationAsync(user.Id, conversationId, cancellationToken) is null)
        {
            return ConversationNotFound(conversationId);
        }

        var request = new AskRequest
        {
            UserId = user.Id,
            Role = user.Role,
            ConversationId = conversationId,
            Text = body.Text ?? string.Empty,
            Language = body.Language ?? "en",
        };

        // The first step validates, takes the rate-limit lease and stores the question; a refusal there is still
        // an ordinary HTTP answer, before any event has been sent.
        var events = pipeline.AskAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var handedOver = false;
        try
        {
            if (!await events.MoveNextAsync() || events.Current is not QuestionAccepted accepted)
            {
                throw new InvalidOperationException("The answer pipeline did not accept the question.");
            }

            var crisis = CrisisGuardrail.IsCrisis(request.Text.Trim());
            handedOver = true;
            return TypedResults.ServerSentEvents(AnswerStream.EventsAsync(events, accepted, crisis, request, store, http.Features.Get<RequestClock>(), cancellationToken));
        }
        catch (InvalidQuestionException ex)
        {
            return Invalid("text", ex.Message);
        }
        catch (RateLimitExceededException ex)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many questions");
        }
        catch (ConversationAccessDeniedException)
        {
            return ConversationNotFound(conversationId);
        }
        finally
        {
            if (!handedOver)
            {
                await events.DisposeAsync();
            }
        }
    }

    private static async Task<IResult> SaveFeedbackAsync(
        string messageId, FeedbackRequest body, ClaimsPrincipal principal, FeedbackRecorder feedback, CancellationToken cancellationToken)
    {
        var user = CurrentUser.From(principal)!;
        FeedbackRating? rating = body.Rating?.ToLowerInvariant() switch
        {
            "up" => FeedbackRating.Up,
            "down" => FeedbackRating.Down,
            _ => null,
        };
        if (rating is null)
        {
            return Invalid("rating", "The rating is \"up\" or \"down\".");
        }

        return await feedback.SaveAsync(user.Id, messageId, rating.Value, body.Comment, cancellationToken) switch
        {
            FeedbackOutcome.Saved => TypedResults.Ok(new FeedbackDto(messageId, rating == FeedbackRating.Up ? "up" : "down", string.IsNullOrWhiteSpace(body.Comment) ? null : body.Comment.Trim())),
            FeedbackOutcome.CommentTooLong => Invalid("comment", $"A comment is at most {FeedbackRecorder.MaxCommentLength:N0} characters long."),
            FeedbackOutcome.NotAnAnswer => Invalid("messageId", "Only answers can be rated; this message is a question."),
            _ => TypedResults.Problem($"There is no message {messageId} in your conversations.", statusCode: StatusCodes.Status404NotFound, title: "Message not found"),
        };
    }

    private static ValidationProblem? PageSizeProblem(int? pageSize) =>
        pageSize is < 1 or > MaxPageSize ? Invalid("pageSize", $"The page size is 1 to {MaxPageSize}.") : null;

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    // Someone else's conversation reads as unknown: the API does not confirm that an id exists.
    private static ProblemHttpResult ConversationNotFound(string conversationId) =>
        TypedResults.Problem($"There is no conversation {conversationId} among yours.", statusCode: StatusCodes.Status404NotFound, title: "Conversation not found");

    private static string OffsetToken(int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("o:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryReadOffset(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith("o:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out offset)
                && offset is > 0 and <= 100_000;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
