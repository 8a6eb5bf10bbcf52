using System.Net;
using System.Text.Json;

namespace LearningNavigator.Aws;

/// <summary>Signs every attempt afresh (a retry re-signs with a new date), innermost in the pipeline.</summary>
public sealed class SigV4SigningHandler(IAwsCredentialSource credentials, string region, string service, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = await credentials.GetAsync(cancellationToken);
        await SigV4Signer.SignAsync(request, current, region, service, time.GetUtcNow().UtcDateTime, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Turns AWS error answers into <see cref="AwsRequestException"/> naming the cause. Sits outside the retry
/// handler, so it sees only the answer that remains once retries are spent.
/// </summary>
public sealed class AwsErrorHandler(string service) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var (bodyType, message) = ParseErrorBody(body);
            throw AwsRequestException.From(service, response.StatusCode, errorType ?? bodyType, message);
        }
    }

    private static (string? Type, string? Message) ParseErrorBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? Read(string name) =>
                json.RootElement.EnumerateObject()
                    .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                    .Value is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
            return (Read("__type"), Read("message"));
        }
        catch (JsonException)
        {
            // S3 answers in XML; its SDK translates those itself. Anything else is shown as it is, shortened.
            return (null, body.Length > 200 ? body[..200] : body);
        }
    }

    internal static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;
}
