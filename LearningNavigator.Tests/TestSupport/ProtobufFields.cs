namespace LearningNavigator.Tests.TestSupport;

/// <summary>
/// Just enough protobuf to read what the OTLP exporter sends, without a generated client: the tests then check the
/// bytes on the wire, not the SDK's view of what it meant to send.
/// </summary>
internal static class ProtobufFields
{
    /// <summary>The top-level fields of one protobuf message: varints by value, length-delimited fields as bytes.</summary>
    public static List<ProtobufField> Read(byte[] message)
    {
        var fields = new List<ProtobufField>();
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    fields.Add(new ProtobufField(number, ReadVarint(message, ref position), []));
                    break;
                case 1:
                    fields.Add(new ProtobufField(number, BitConverter.ToUInt64(message, position), []));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    fields.Add(new ProtobufField(number, 0, message[position..(position + length)]));
                    position += length;
                    break;
                case 5:
                    fields.Add(new ProtobufField(number, BitConverter.ToUInt32(message, position), []));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected protobuf wire type {key & 7}.");
            }
        }

        return fields;
    }

    /// <summary>The length-delimited fields numbered <paramref name="number"/>, as the embedded messages they carry.</summary>
    public static IEnumerable<byte[]> Messages(byte[] message, int number) =>
        Read(message).Where(f => f.Number == number).Select(f => f.Bytes);

    /// <summary>A string field, or null when absent (proto3 leaves empty strings off the wire).</summary>
    public static string? String(this List<ProtobufField> fields, int number) =>
        fields.FirstOrDefault(f => f.Number == number)?.Bytes is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    /// <summary>A bytes field as lower-case hex (how trace and span ids are written elsewhere), or "" when absent.</summary>
    public static string Hex(this List<ProtobufField> fields, int number) =>
        fields.FirstOrDefault(f => f.Number == number)?.Bytes is { } bytes ? Convert.ToHexStringLower(bytes) : string.Empty;

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}

/// <summary>One field: <see cref="Varint"/> for the numeric wire types (empty <see cref="Bytes"/>), <see cref="Bytes"/> for length-delimited ones.</summary>
internal sealed record ProtobufField(int Number, ulong Varint, byte[] Bytes);
