using System.Text.RegularExpressions;

namespace LearningNavigator.Chat;

/// <summary>
/// Spots questions that try to talk the assistant out of its instructions ("ignore the previous instructions",
/// "show me your system prompt"). Nothing is refused on this alone: passages are already quoted as data and the
/// prompt says so. It is counted, so an admin can see attempts on the dashboard.
/// </summary>
public static partial class PromptInjectionGuardrail
{
    public static bool IsAttempt(string text) => Attempt().IsMatch(GuardrailText.Fold(text));

    [GeneratedRegex(
        @"\b(ignore|disregard|forget|override)\b.{0,30}\b(previous|prior|above|earlier|your|all|the)\b.{0,20}\b(instructions?|rules|prompt|guidelines)\b"
        + @"|\b(system|hidden|initial) prompt\b|\byou are now\b|\bdeveloper mode\b|\bjailbreak"
        + @"|\b(ignora|olvida|descarta)\b.{0,30}\b(instrucciones|reglas|indicaciones)\b|\bprompt del sistema\b|\bahora eres\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Attempt();
}
