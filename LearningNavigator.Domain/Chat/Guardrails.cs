namespace LearningNavigator.Chat;

/// <summary>What the guardrails decided about a question, before anything is retrieved.</summary>
public sealed record GuardrailVerdict(bool Crisis, ScopeRefusal? Refusal)
{
    public static GuardrailVerdict None { get; } = new(false, null);

    /// <summary>The question tried to override the assistant's instructions (counted; not refused for it).</summary>
    public bool PromptInjection { get; init; }

    /// <summary>What the answer's record carries for the usage counters.</summary>
    public Conversations.SafetyFlags Flags =>
        (Crisis ? Conversations.SafetyFlags.Crisis : 0)
        | (Refusal == ScopeRefusal.MedicalAdvice ? Conversations.SafetyFlags.MedicalRefusal : 0)
        | (Refusal == ScopeRefusal.OutOfScope ? Conversations.SafetyFlags.OutOfScope : 0)
        | (PromptInjection ? Conversations.SafetyFlags.PromptInjection : 0);
}

/// <summary>
/// The pipeline's first step after validation: crisis language gets resources first (and the question is still
/// answered); a diagnosis or off-topic request is declined. Every intervention is counted.
/// </summary>
public sealed class Guardrails(ISafetyEventCounter counter)
{
    /// <summary>Decides about a question without counting it: <see cref="Count"/> does, once the question is kept.</summary>
    public static GuardrailVerdict Evaluate(string question)
    {
        var crisis = CrisisGuardrail.IsCrisis(question);
        var refusal = ScopeGuardrail.Evaluate(question);
        var injection = PromptInjectionGuardrail.IsAttempt(question);
        return crisis || refusal is not null || injection
            ? new GuardrailVerdict(crisis, refusal) { PromptInjection = injection }
            : GuardrailVerdict.None;
    }

    /// <summary>Counts the interventions of a verdict, for a question that was accepted.</summary>
    public void Count(GuardrailVerdict verdict)
    {
        if (verdict.PromptInjection)
        {
            counter.Record(SafetyEventKind.PromptInjection);
        }

        if (verdict.Crisis)
        {
            counter.Record(SafetyEventKind.Crisis);
        }

        if (verdict.Refusal is { } kind)
        {
            counter.Record(kind == ScopeRefusal.MedicalAdvice ? SafetyEventKind.MedicalRefusal : SafetyEventKind.OutOfScopeRefusal);
        }
    }

    /// <summary>
    /// Said before an answer drawn from sources in another language than the question, in the question's language.
    /// </summary>
    public static string CrossLanguageNote(string questionLanguage, IEnumerable<string> sourceLanguages)
    {
        var others = sourceLanguages.Where(l => l != questionLanguage).Distinct().ToList();
        if (others.Count == 0)
        {
            return string.Empty;
        }

        return questionLanguage == "es"
            ? $"_Nota: solo encontré fuentes en {LanguageName(others[0], "es")} para esta pregunta; las citas están en ese idioma._\n\n"
            : $"_Note: only {LanguageName(others[0], "en")} sources were found for this question; the quotes are in that language._\n\n";
    }

    private static string LanguageName(string code, string inLanguage) => (code, inLanguage) switch
    {
        ("en", "es") => "inglés",
        ("es", "es") => "español",
        ("en", _) => "English",
        ("es", _) => "Spanish",
        _ => code,
    };
}
