using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LearningNavigator.Chat;

public enum SafetyEventKind
{
    /// <summary>Crisis language: the resources were shown first.</summary>
    Crisis,
    /// <summary>A diagnosis or medication request was declined.</summary>
    MedicalRefusal,
    /// <summary>A request outside MHFA training and operations was declined.</summary>
    OutOfScopeRefusal,
    /// <summary>The question tried to override the assistant's instructions.</summary>
    PromptInjection,
}

/// <summary>
/// Counts safety events per day and kind, and nothing else: no text, no user, no conversation. The messages
/// themselves are already in the conversation store; this only says how often each guardrail fired.
/// </summary>
public interface ISafetyEventCounter
{
    void Record(SafetyEventKind kind);

    /// <summary>The count of each kind on a UTC day; kinds that never fired that day read as zero.</summary>
    IReadOnlyDictionary<SafetyEventKind, long> CountsFor(DateOnly day);
}

/// <summary>
/// In-process counts, also published on the <c>LearningNavigator.Safety</c> meter
/// (<c>learningnavigator.safety.events</c>, tagged by kind) for whatever collects metrics.
/// </summary>
public sealed class SafetyEventCounter : ISafetyEventCounter, IDisposable
{
    public const string MeterName = "LearningNavigator.Safety";

    private readonly ConcurrentDictionary<(DateOnly Day, SafetyEventKind Kind), long> counts = new();
    private readonly TimeProvider time;
    private readonly Meter meter;
    private readonly Counter<long> counter;

    public SafetyEventCounter(TimeProvider time, IMeterFactory? meterFactory = null)
    {
        this.time = time;
        meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        counter = meter.CreateCounter<long>("learningnavigator.safety.events", description: "Guardrail interventions, by kind");
    }

    public void Record(SafetyEventKind kind)
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        counts.AddOrUpdate((day, kind), 1, (_, n) => n + 1);
        counter.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
    }

    public IReadOnlyDictionary<SafetyEventKind, long> CountsFor(DateOnly day) =>
        Enum.GetValues<SafetyEventKind>().ToDictionary(k => k, k => counts.GetValueOrDefault((day, k)));

    public void Dispose() => meter.Dispose();
}
