using System.Text.RegularExpressions;

namespace LearningNavigator.Chat;

/// <summary>Why a question is declined rather than answered from the documents.</summary>
public enum ScopeRefusal
{
    /// <summary>A diagnosis, medication or treatment decision for a real person: a clinician's job.</summary>
    MedicalAdvice,
    /// <summary>Nothing to do with MHFA training and operations (weather, recipes, code, jokes…).</summary>
    OutOfScope,
}

/// <summary>
/// Declines, kindly and with somewhere else to go, what the assistant must not or cannot answer. It only looks
/// for clear requests: a question the documents merely fail to cover still goes through retrieval and gets the
/// honest "I don't know" with an offer of a person, which is the better answer for anything near the work.
/// </summary>
public static partial class ScopeGuardrail
{
    public static ScopeRefusal? Evaluate(string text)
    {
        var folded = GuardrailText.Fold(text);
        // "How does the course explain diagnosis?" is about teaching, not a request for one.
        if (Teaching().IsMatch(folded))
        {
            return null;
        }

        if (Medical().IsMatch(folded))
        {
            return ScopeRefusal.MedicalAdvice;
        }

        return OffTopic().IsMatch(folded) ? ScopeRefusal.OutOfScope : null;
    }

    public static string RefusalMarkdown(ScopeRefusal refusal, string language) => (refusal, language) switch
    {
        (ScopeRefusal.MedicalAdvice, "es") =>
            "No puedo dar un diagnóstico médico ni consejos sobre medicación o tratamiento: eso le corresponde a un profesional cualificado. "
            + "Habla con un médico, un psiquiatra o un profesional de salud mental con licencia (o anima a la persona a hacerlo). "
            + "Primeros Auxilios en Salud Mental enseña a ayudar, no a diagnosticar; puedo explicarte cómo el curso aborda reconocer señales y animar a buscar ayuda profesional. "
            + "Si alguien está en peligro, llama o envía un mensaje de texto al **988**, o llama al **911**.",
        (ScopeRefusal.MedicalAdvice, _) =>
            "I can't give a medical diagnosis or advice about medication or treatment: that needs a qualified professional. "
            + "Please talk to a doctor, psychiatrist or licensed mental health professional (or encourage the person to). "
            + "Mental Health First Aid teaches how to help, not how to diagnose; I can explain how the course covers recognising signs and encouraging professional help. "
            + "If someone is in danger, call or text **988**, or call **911**.",
        (_, "es") =>
            "Eso queda fuera de lo que puedo responder: ayudo con la formación y la operación de Primeros Auxilios en Salud Mental "
            + "(cursos, programación, facturación, materiales didácticos y procedimientos internos). "
            + "Para otros temas, usa un buscador general o consulta al equipo que corresponda. ¿Hay algo de tu trabajo con MHFA en lo que pueda ayudarte?",
        _ =>
            "That's outside what I can help with: I answer questions about Mental Health First Aid training and operations "
            + "(courses, scheduling, invoicing, teaching materials and internal procedures). "
            + "For other topics, please use a general search or ask the team responsible. Is there something about your MHFA work I can help with?",
    };

    // Asking for a diagnosis, a medication or a treatment decision about a real person.
    [GeneratedRegex(
        """
        \b(
          (can|could|would|will)\s+you\s+(please\s+)?diagnos\w* | diagnose\s+(me|him|her|them|my) | (give|get)\s+(me\s+)?a\s+diagnosis
        | (do|could|might|may)\s+(i|you\s+think\s+i)\s+have\s+(depression|anxiety|bipolar|adhd|add|ptsd|ocd|autism|schizophrenia|psychosis|borderline|an?\s+(\w+\s+)?disorder|a\s+mental\s+illness)
        | (is|does|could)\s+(my\s+\w+|he|she|they|this\s+person|my\s+participant)\s+(have\s+|be\s+|has\s+)?(bipolar|depressed|schizophrenic|autistic|psychotic|adhd|ptsd|ocd|depression|anxiety\s+disorder|borderline|a\s+(\w+\s+)?disorder)
        | what\s+(medication|medicine|meds|dose|dosage|drug|antidepressant|pill)s?\s+(should|can|do|would|is\s+best)
        | how\s+(much|many)\s+(\w+\s+)?(mg|milligrams|pills|tablets)
        | should\s+(i|he|she|they|my\s+\w+)\s+(stop|start|take|increase|decrease|change|quit|come\s+off)\s+(taking\s+)?((my|his|her|their|the)\s+)?(medication|meds|medicine|antidepressants?|pills|sertraline|prozac|zoloft|lexapro|xanax|lithium)
        | (prescribe|recommend)\s+(me\s+)?(a\s+|an\s+|some\s+)?(medication|medicine|meds|antidepressant|drug|pill)
        | (puedes|podrias)\s+diagnostic\w* | diagnosticame | dame\s+un\s+diagnostico
        | (tengo|tendre|tendra|tiene)\s+(depresion|ansiedad|bipolaridad|trastorno\s+\w+|tdah|tept|toc|autismo|esquizofrenia|psicosis)
        | (es|sera)\s+(bipolar|esquizofrenic[oa]|autista|psicotic[oa])\s*\?
        | que\s+(medicamento|medicina|medicacion|pastilla|dosis|antidepresivo)s?\s+(debo|puedo|deberia|tomo|tomar|le\s+doy|recomiendas)
        | (deberia|debo|debe)\s+(dejar|empezar|tomar|aumentar|reducir|cambiar)\s+(de\s+)?(tomar\s+)?((mi|mis|su|sus|la|las|el|los)\s+)?(medicacion|medicamentos?|pastillas|antidepresivos?|sertralina|litio)
        | recetame | (recomiendame|recomiendas)\s+(un|algun)\s+(medicamento|antidepresivo)
        )
        """,
        RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Medical();

    // Clear requests for something else entirely. Narrow on purpose: travel, venues and money are operations here.
    [GeneratedRegex(
        """
        \b(
          weather | forecast | recipe\w* | horoscope\w* | lottery | bitcoin | crypto\w* | stock\s+(price|market|tips?)
        | who\s+won\s+the | (football|soccer|basketball|baseball|sports?)\s+(score|scores|results?|game)
        | (write|compose)\s+(me\s+)?(a|an)\s+(poem|song|story|rap|limerick|essay\s+about)
        | tell\s+me\s+a\s+joke | (write|debug|fix)\s+(me\s+)?(some\s+|my\s+|this\s+)?(python|javascript|java|c\#|sql)?\s*(code|program|script|function)
        | (my|the)\s+(math|maths|history|chemistry|physics)\s+homework
        | clima | pronostico | receta\w* | horoscopo\w* | loteria | cripto\w* | bolsa\s+de\s+valores
        | quien\s+gano | resultado\s+del\s+partido
        | (escribe|escribeme|componme)\s+(un|una)\s+(poema|cancion|cuento|historia|rap)
        | cuentame\s+un\s+chiste | (escribe|escribeme|programa|arregla)\s+(un\s+|el\s+|mi\s+)?(codigo|programa|script)
        )\b
        """,
        RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex OffTopic();

    [GeneratedRegex(
        @"\b(teach\w*|course|courses|module\w*|section\w*|slide\w*|lesson\w*|curriculum|participants?\s+(ask|asks|asked)|instructor\w*|mhfa|first\s+aid(er)?s?|ensen\w*|curso\w*|modulo\w*|seccion\w*|diapositiva\w*|leccion\w*|instructor\w*|primeros\s+auxilios)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Teaching();
}
