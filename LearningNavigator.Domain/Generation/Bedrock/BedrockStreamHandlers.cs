using System.Text.Json;
using LearningNavigator.Aws;

namespace LearningNavigator.Generation.Bedrock;

/// <summary>
/// Pins the body's anthropic_version. Anthropic.Bedrock copies the anthropic-version header into the body, and the
/// SDK sets that header to the first-party API version; InvokeModel wants the value AWS documents for Claude.
/// </summary>
internal sealed class AnthropicVersionHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("anthropic-version");
        request.Headers.TryAddWithoutValidation("anthropic-version", BedrockOptions.AnthropicVersion);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Watches the raw event stream for exception messages (throttling, model stream errors) that arrive after a
/// 200, and turns them into <see cref="AwsRequestException"/> naming the cause. The SDK's own decoder skips
/// their headers, so without this a mid-stream failure would surface as an unexplained parse error.
/// </summary>
internal sealed class EventStreamExceptionHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode
            && string.Equals(response.Content.Headers.ContentType?.MediaType, "application/vnd.amazon.eventstream", StringComparison.OrdinalIgnoreCase))
        {
            var source = await response.Content.ReadAsStreamAsync(cancellationToken);
            var guarded = new StreamContent(new GuardedEventStream(source));
            foreach (var header in response.Content.Headers)
            {
                guarded.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = guarded;
        }

        return response;
    }

    private sealed class GuardedEventStream(Stream source) : Stream
    {
        private byte[] pending = [];
        private int offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (offset >= pending.Length)
            {
                var frame = await AwsEventStream.ReadFrameAsync(source, cancellationToken);
                if (frame is null)
                {
                    return 0;
                }

                ThrowIfException(AwsEventStream.Decode(frame));
                pending = frame;
                offset = 0;
            }

            var count = Math.Min(buffer.Length, pending.Length - offset);
            pending.AsMemory(offset, count).CopyTo(buffer);
            offset += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                source.Dispose();
            }

            base.Dispose(disposing);
        }

        private static void ThrowIfException(EventStreamMessage message)
        {
            var kind = message.Headers.GetValueOrDefault(":message-type");
            if (kind is "exception")
            {
                throw AwsRequestException.From("Bedrock", null, message.Headers.GetValueOrDefault(":exception-type"), MessageOf(message.Payload));
            }

            if (kind is "error")
            {
                throw AwsRequestException.From(
                    "Bedrock", null, message.Headers.GetValueOrDefault(":error-code"), message.Headers.GetValueOrDefault(":error-message"));
            }
        }

        private static string? MessageOf(byte[] payload)
        {
            try
            {
                using var json = JsonDocument.Parse(payload);
                return json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? m.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
