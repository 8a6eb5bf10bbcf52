using System.Buffers.Binary;
using System.Text;

namespace LearningNavigator.Cli.Load.Circuit;

/// <summary>
/// Reads the binary render batch a Blazor Server circuit sends to the browser (the format of the framework's
/// RenderBatchWriter): which components changed, with which edits, over which frames. Only what a load client
/// needs is exposed: per component, the elements it added (with their attributes) and the attributes and
/// texts it changed.
/// </summary>
/// <remarks>
/// Layout: diffs, reference frames, disposed component ids, disposed event handler ids, then a string table;
/// the last 20 bytes hold the five offsets. A frame is 20 bytes (type + 16), an edit 16 bytes.
/// </remarks>
public sealed class RenderBatchReader
{
    private const int FrameSize = 20;
    private const int EditSize = 16;

    private readonly byte[] data;
    private readonly int framesOffset;
    private readonly int stringTableOffset;
    private readonly int stringCount;

    public RenderBatchReader(byte[] data)
    {
        this.data = data;
        var trailer = data.Length - 20;
        var diffsOffset = Int(trailer);
        framesOffset = Int(trailer + 4);
        var disposedComponentsOffset = Int(trailer + 8);
        stringTableOffset = Int(trailer + 16);
        stringCount = (trailer - stringTableOffset) / 4;

        var diffCount = Int(diffsOffset);
        for (var i = 0; i < diffCount; i++)
        {
            Diffs.Add(ReadDiff(Int(diffsOffset + 4 + (i * 4))));
        }

        var disposedCount = Int(disposedComponentsOffset);
        for (var i = 0; i < disposedCount; i++)
        {
            DisposedComponents.Add(Int(disposedComponentsOffset + 4 + (i * 4)));
        }
    }

    public List<ComponentDiff> Diffs { get; } = [];

    public List<int> DisposedComponents { get; } = [];

    private ComponentDiff ReadDiff(int position)
    {
        var diff = new ComponentDiff(Int(position));
        var editCount = Int(position + 4);
        for (var e = 0; e < editCount; e++)
        {
            var edit = position + 8 + (e * EditSize);
            var type = (EditType)Int(edit);
            var frameIndex = Int(edit + 8);
            switch (type)
            {
                case EditType.PrependFrame:
                    ReadSubtree(frameIndex, diff);
                    break;
                case EditType.SetAttribute:
                    diff.ChangedAttributes.Add(ReadAttribute(frameIndex));
                    break;
                case EditType.UpdateText or EditType.UpdateMarkup:
                    diff.TextEdits++;
                    break;
            }
        }

        return diff;
    }

    /// <summary>The frame and its descendants: each element with the attributes that directly follow it.</summary>
    private void ReadSubtree(int index, ComponentDiff diff)
    {
        var type = FrameType(index);
        var length = type is FrameKind.Element or FrameKind.Region ? Int(Frame(index) + 4) : 1;
        ElementFrame? current = null;
        for (var i = index; i < index + Math.Max(length, 1); i++)
        {
            switch (FrameType(i))
            {
                case FrameKind.Element:
                    current = new ElementFrame(String(Int(Frame(i) + 8)) ?? string.Empty);
                    diff.AddedElements.Add(current);
                    break;
                case FrameKind.Attribute when current is not null:
                    current.Attributes.Add(ReadAttribute(i));
                    break;
                case FrameKind.Text or FrameKind.Markup:
                    // A text frame holds its string's index right after the frame type.
                    diff.AddedTextLength += String(Int(Frame(i) + 4))?.Trim().Length ?? 0;
                    current = null;
                    break;
                default:
                    current = null;
                    break;
            }
        }
    }

    private AttributeFrame ReadAttribute(int index)
    {
        var frame = Frame(index);
        return new AttributeFrame(
            String(Int(frame + 4)) ?? string.Empty,
            String(Int(frame + 8)),
            BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(frame + 12)));
    }

    private int Frame(int index) => framesOffset + 4 + (index * FrameSize);

    private FrameKind FrameType(int index) => (FrameKind)Int(Frame(index));

    private string? String(int index)
    {
        if (index < 0 || index >= stringCount)
        {
            return null;
        }

        var position = Int(stringTableOffset + (index * 4));
        // BinaryWriter.Write(string): a 7-bit encoded byte length, then UTF-8.
        var length = 0;
        var shift = 0;
        byte b;
        do
        {
            b = data[position++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return Encoding.UTF8.GetString(data, position, length);
    }

    private int Int(int position) => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(position));

    private enum FrameKind
    {
        Element = 1,
        Text = 2,
        Attribute = 3,
        Component = 4,
        Region = 5,
        Markup = 8,
    }

    private enum EditType
    {
        PrependFrame = 1,
        SetAttribute = 3,
        UpdateText = 5,
        UpdateMarkup = 8,
    }
}

public sealed record AttributeFrame(string Name, string? Value, ulong EventHandlerId);

public sealed record ElementFrame(string Name)
{
    public List<AttributeFrame> Attributes { get; } = [];

    public string? this[string attribute] => Attributes.FirstOrDefault(a => a.Name == attribute)?.Value;
}

public sealed record ComponentDiff(int ComponentId)
{
    public List<ElementFrame> AddedElements { get; } = [];

    public List<AttributeFrame> ChangedAttributes { get; } = [];

    /// <summary>Texts and markup changed in place.</summary>
    public int TextEdits { get; set; }

    /// <summary>Characters of visible text (whitespace aside) in the elements this diff added.</summary>
    public int AddedTextLength { get; set; }
}
