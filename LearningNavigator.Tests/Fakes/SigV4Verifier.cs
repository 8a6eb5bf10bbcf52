using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LearningNavigator.Tests.Fakes;

/// <summary>
/// Recomputes a request's SigV4 signature from what arrived on the wire, independently of the app's signer
/// (own canonical request, own HMAC chain), so a signing bug on either side fails the test.
/// </summary>
public static class SigV4Verifier
{
    public const string AccessKey = "AKIDEXAMPLEFAKE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";

    /// <summary>Null when the signature is valid; otherwise why not.</summary>
    public static string? Verify(HttpRequest request, byte[] body, string expectedService, bool isS3)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return "missing or non-SigV4 Authorization header";
        }

        var parts = authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders)
            || !parts.TryGetValue("Signature", out var signature))
        {
            return "Authorization header lacks Credential, SignedHeaders or Signature";
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0] != AccessKey || scope[2] != Region || scope[3] != expectedService || scope[4] != "aws4_request")
        {
            return $"unexpected credential scope {credential}";
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (amzDate.Length != 16 || !amzDate.StartsWith(scope[1], StringComparison.Ordinal))
        {
            return "x-amz-date missing or not matching the scope date";
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || names.Any(n => n.Any(char.IsAsciiLetterUpper)) || !names.SequenceEqual(names.Order(StringComparer.Ordinal)))
        {
            return "SignedHeaders must be lower case, sorted and include host";
        }

        var bodyHash = Hex(SHA256.HashData(body));
        var declared = request.Headers["x-amz-content-sha256"].ToString();
        if (declared.Length == 64 && declared != bodyHash)
        {
            return "x-amz-content-sha256 does not match the body";
        }

        var payloadHash = declared.Length > 0 ? declared : bodyHash;
        if (!isS3 && payloadHash != bodyHash)
        {
            return "payload hash does not match the body";
        }

        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var queryAt = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryAt < 0 ? rawTarget : rawTarget[..queryAt];
        var rawQuery = queryAt < 0 ? string.Empty : rawTarget[(queryAt + 1)..];

        var canonical = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(string.Join('/', rawPath.Split('/').Select(Uri.UnescapeDataString).Select(segment => isS3 ? Encode(segment) : Encode(Encode(segment))))).Append('\n')
            .Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (var name in names)
        {
            var value = name == "host" ? request.Host.Value : string.Join(',', request.Headers[name].Select(v => v ?? string.Empty));
            canonical.Append(name).Append(':').Append(string.Join(' ', (value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{string.Join('/', scope[1..])}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + SecretKey), scope[1]);
        key = Hmac(key, scope[2]);
        key = Hmac(key, scope[3]);
        key = Hmac(key, "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : "signature does not match";
    }

    private static string CanonicalQuery(string rawQuery) =>
        string.Join('&', rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var cut = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString(cut < 0 ? pair : pair[..cut]);
                var value = cut < 0 ? string.Empty : Uri.UnescapeDataString(pair[(cut + 1)..]);
                return $"{Encode(name)}={Encode(value)}";
            })
            .Order(StringComparer.Ordinal));

    private static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
