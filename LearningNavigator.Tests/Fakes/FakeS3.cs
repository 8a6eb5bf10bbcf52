using System.Collections.Concurrent;
using System.Globalization;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LearningNavigator.Tests.Fakes;

/// <summary>Path-style S3 on loopback: PutObject, GetObject, DeleteObject and ListObjectsV2 over one bucket.</summary>
public sealed class FakeS3() : LoopbackAwsServer("s3", isS3: true)
{
    public const string Bucket = "kb-bucket";

    public ConcurrentDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// When set, decides per request whether S3 refuses it, as a bucket policy or IAM would: (status, code, message)
    /// answers with S3's XML error; null lets the request through.
    /// </summary>
    public Func<ReceivedRequest, (int Status, string Code, string Message)?>? Refuse { get; set; }

    /// <summary>Keys per ListObjectsV2 page: S3 stops at 1,000; a test lowers it to see paging without 1,000 objects.</summary>
    public int ListPageSize { get; set; } = 1000;

    /// <summary>S3's own answer when the caller's policy does not allow the action.</summary>
    public static (int Status, string Code, string Message) AccessDenied => (403, "AccessDenied", "Access Denied");

    protected override async Task HandleAsync(HttpContext context, ReceivedRequest request)
    {
        var path = Uri.UnescapeDataString(context.Request.Path.Value ?? "/").TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? path : path[..slash];
        var key = slash < 0 ? string.Empty : path[(slash + 1)..];
        if (bucket != Bucket)
        {
            await XmlErrorAsync(context, 404, "NoSuchBucket", "The specified bucket does not exist");
            return;
        }

        if (Refuse?.Invoke(request) is { } refusal)
        {
            await XmlErrorAsync(context, refusal.Status, refusal.Code, refusal.Message);
            return;
        }

        switch (request.Method)
        {
            case "PUT" when key.Length > 0:
                Objects[key] = request.Body;
                context.Response.Headers.ETag = ETag(request.Body);
                return;
            case "DELETE" when key.Length > 0:
                Objects.TryRemove(key, out _);
                context.Response.StatusCode = 204;
                return;
            case "GET" when key.Length > 0:
                if (!Objects.TryGetValue(key, out var content))
                {
                    await XmlErrorAsync(context, 404, "NoSuchKey", "The specified key does not exist.");
                    return;
                }

                context.Response.ContentType = "application/octet-stream";
                context.Response.Headers.ETag = ETag(content);
                context.Response.Headers.LastModified = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
                await context.Response.Body.WriteAsync(content);
                return;
            case "GET" when context.Request.Query["list-type"] == "2":
                await ListAsync(context, context.Request.Query["prefix"].ToString(), context.Request.Query["continuation-token"].ToString());
                return;
            default:
                await XmlErrorAsync(context, 400, "InvalidRequest", "Unsupported by the fake");
                return;
        }
    }

    protected override Task RejectSignatureAsync(HttpContext context, string problem) =>
        XmlErrorAsync(context, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");

    private async Task ListAsync(HttpContext context, string prefix, string continuationToken)
    {
        // The token is the last key of the previous page, which is as opaque as a test needs.
        var all = Objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)
                && (continuationToken.Length == 0 || string.CompareOrdinal(k, continuationToken) > 0))
            .Order(StringComparer.Ordinal).ToList();
        var keys = all.Take(ListPageSize).ToList();
        var truncated = all.Count > keys.Count;
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .Append("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">")
            .Append("<Name>").Append(Bucket).Append("</Name><Prefix>").Append(SecurityElement.Escape(prefix)).Append("</Prefix>")
            .Append("<KeyCount>").Append(keys.Count).Append("</KeyCount><MaxKeys>").Append(ListPageSize).Append("</MaxKeys>")
            .Append("<IsTruncated>").Append(truncated ? "true" : "false").Append("</IsTruncated>");
        if (truncated)
        {
            xml.Append("<NextContinuationToken>").Append(SecurityElement.Escape(keys[^1])).Append("</NextContinuationToken>");
        }

        foreach (var key in keys)
        {
            xml.Append("<Contents><Key>").Append(SecurityElement.Escape(key)).Append("</Key>")
                .Append("<LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>").Append(SecurityElement.Escape(ETag(Objects[key]))).Append("</ETag>")
                .Append("<Size>").Append(Objects[key].Length).Append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }

        xml.Append("</ListBucketResult>");
        context.Response.ContentType = "application/xml";
        await context.Response.WriteAsync(xml.ToString());
    }

    /// <summary>S3's ETag of a single-part object: the MD5 of its bytes in quotes.</summary>
#pragma warning disable CA5351 // S3 defines the ETag as MD5; nothing here relies on it for security.
    private static string ETag(byte[] content) => $"\"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content))}\"";
#pragma warning restore CA5351

    private static async Task XmlErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        await context.Response.WriteAsync(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fake</RequestId></Error>");
    }
}
