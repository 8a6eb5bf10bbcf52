using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace LearningNavigator.Generation.Bedrock;

/// <summary>One message of the application/vnd.amazon.eventstream framing, with its string headers.</summary>
public sealed record EventStreamMessage(IReadOnlyDictionary<string, string> Headers, byte[] Payload);

/// <summary>
/// Reads and writes application/vnd.amazon.eventstream frames: prelude (total length, headers length, CRC-32),
/// headers, payload, message CRC-32.
/// </summary>
public static class AwsEventStream
{
    private const int PreludeLength = 12;
    private const byte StringHeaderType = 7;

    public static byte[] Encode(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> payload)
    {
        using var headerBytes = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headerBytes.WriteByte((byte)nameBytes.Length);
            headerBytes.Write(nameBytes);
            headerBytes.WriteByte(StringHeaderType);
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)valueBytes.Length);
            headerBytes.Write(length);
            headerBytes.Write(valueBytes);
        }

        var headerLength = (int)headerBytes.Length;
        var total = PreludeLength + headerLength + payload.Length + 4;
        var frame = new byte[total];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(0, 4), total);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4, 4), headerLength);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8, 4), Crc32.HashToUInt32(frame.AsSpan(0, 8)));
        headerBytes.ToArray().CopyTo(frame, PreludeLength);
        payload.CopyTo(frame.AsSpan(PreludeLength + headerLength));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc32.HashToUInt32(frame.AsSpan(0, total - 4)));
        return frame;
    }

    /// <summary>Reads one whole frame (raw bytes) or null at the end of the stream; checks both CRCs.</summary>
    public static async Task<byte[]?> ReadFrameAsync(Stream source, CancellationToken cancellationToken)
    {
        var prelude = new byte[PreludeLength];
        var read = await source.ReadAtLeastAsync(prelude, PreludeLength, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        if (read < PreludeLength)
        {
            throw new InvalidDataException("The event stream ended inside a message prelude.");
        }

        if (Crc32.HashToUInt32(prelude.AsSpan(0, 8)) != BinaryPrimitives.ReadUInt32BigEndian(prelude.AsSpan(8)))
        {
            throw new InvalidDataException("An event stream prelude failed its CRC check.");
        }

        var total = BinaryPrimitives.ReadInt32BigEndian(prelude);
        if (total < PreludeLength + 4 || total > 16 * 1024 * 1024)
        {
            throw new InvalidDataException($"An event stream message claims an invalid length ({total}).");
        }

        var frame = new byte[total];
        prelude.CopyTo(frame, 0);
        await source.ReadExactlyAsync(frame.AsMemory(PreludeLength), cancellationToken);
        if (Crc32.HashToUInt32(frame.AsSpan(0, total - 4)) != BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(total - 4)))
        {
            throw new InvalidDataException("An event stream message failed its CRC check.");
        }

        return frame;
    }

    public static EventStreamMessage Decode(byte[] frame)
    {
        var total = BinaryPrimitives.ReadInt32BigEndian(frame);
        var headerLength = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = PreludeLength;
        var end = PreludeLength + headerLength;
        while (position < end)
        {
            var nameLength = frame[position++];
            var name = Encoding.UTF8.GetString(frame, position, nameLength);
            position += nameLength;
            var type = frame[position++];
            switch (type)
            {
                case 0 or 1: // bool true / false
                    headers[name] = (type == 0).ToString();
                    break;
                case 2:
                    position += 1;
                    break;
                case 3:
                    position += 2;
                    break;
                case 4:
                    position += 4;
                    break;
                case 5 or 8: // long, timestamp
                    position += 8;
                    break;
                case 9: // uuid
                    position += 16;
                    break;
                case 6 or StringHeaderType:
                    var length = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(position));
                    position += 2;
                    if (type == StringHeaderType)
                    {
                        headers[name] = Encoding.UTF8.GetString(frame, position, length);
                    }

                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"Unknown event stream header type {type}.");
            }
        }

        return new EventStreamMessage(headers, frame[end..(total - 4)]);
    }
}
