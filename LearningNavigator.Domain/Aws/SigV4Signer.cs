using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace LearningNavigator.Aws;

/// <summary>
/// Signs an <see cref="HttpRequestMessage"/> with AWS Signature Version 4. The canonical request is built here
/// (AWSSDK.Core only signs its own request type); the key derivation and signature come from AWSSDK.Core.
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static async Task SignAsync(
        HttpRequestMessage request,
        ImmutableCredentials credentials,
        string region,
        string service,
        DateTime signedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var amzDate = signedAt.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        foreach (var name in new[] { "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "Authorization" })
        {
            request.Headers.Remove(name);
        }

        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation("x-amz-security-token", credentials.Token);
        }

        // Signed: the host as it goes on the wire, the x-amz-* headers and the content type.
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.Headers.Host ?? uri.Authority,
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = payloadHash,
        };
        if (credentials.UseToken)
        {
            headers["x-amz-security-token"] = credentials.Token;
        }

        if (request.Content?.Headers.ContentType is MediaTypeHeaderValue contentType)
        {
            headers["content-type"] = contentType.ToString();
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(CanonicalPath(uri.AbsolutePath)).Append('\n')
            .Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var (name, value) in headers)
        {
            canonicalRequest.Append(name).Append(':').Append(value.Trim()).Append('\n');
        }

        canonicalRequest.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var result = AWS4Signer.ComputeSignature(credentials, region, signedAt.ToUniversalTime(), service, signedHeaders, canonicalRequest.ToString());
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    /// <summary>
    /// Outside S3, AWS encodes each segment of the unencoded path twice, whatever escaping it had on the wire
    /// (":" in a model id may travel raw or as %3A; both canonicalise to %253A).
    /// </summary>
    public static string CanonicalPath(string absolutePath) =>
        absolutePath.Length == 0
            ? "/"
            : string.Join('/', absolutePath.Split('/').Select(segment => UriEncode(UriEncode(Uri.UnescapeDataString(segment)))));

    public static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var cut = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString(cut < 0 ? pair : pair[..cut]);
                var value = cut < 0 ? string.Empty : Uri.UnescapeDataString(pair[(cut + 1)..]);
                return (Name: UriEncode(name), Value: UriEncode(value));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper case).</summary>
    public static string UriEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
