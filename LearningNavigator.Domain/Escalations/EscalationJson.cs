using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningNavigator.Escalations;

/// <summary>The whole record as one JSON document: both stores keep it so, with the fields they query on beside it.</summary>
internal static class EscalationJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Serialize(Escalation escalation) => JsonSerializer.Serialize(escalation, Options);

    public static Escalation Deserialize(string json) =>
        JsonSerializer.Deserialize<Escalation>(json, Options) ?? throw new InvalidDataException("An escalation record is empty.");

    /// <summary>"new", "in-progress", "resolved": the words the stores index and the docs name.</summary>
    public static string Name(EscalationStatus status) => status switch
    {
        EscalationStatus.New => "new",
        EscalationStatus.InProgress => "in-progress",
        EscalationStatus.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
