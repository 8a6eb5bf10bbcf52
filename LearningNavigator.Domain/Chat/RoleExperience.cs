namespace LearningNavigator.Chat;

/// <summary>What a role sees on an empty chat: a greeting and questions the library can answer for it.</summary>
public sealed record RoleExperience(string Greeting, IReadOnlyList<string> SuggestedQuestions)
{
    public static RoleExperience For(string role, string language) => (role, language) switch
    {
        (AppRoles.Staff, "es") => new(
            "Hola. Pregúntame por procedimientos internos, sistemas y políticas.",
            ["¿Cómo proceso un reembolso de un curso cancelado?", "¿Cuáles son los plazos de pago a instructores?", "¿Qué es el plan de acción ALGEE?"]),
        (AppRoles.Staff, _) => new(
            "Hello. Ask me about internal procedures, systems and policies.",
            ["How do I process a refund for a cancelled course?", "What are the payment terms for instructor invoices?", "What are the steps of the ALGEE action plan?", "How long does shipping of participant manuals take?"]),
        (AppRoles.Admin, "es") => new(
            "Hola. Puedes preguntar sobre todo el material, incluidos los documentos internos.",
            ["¿Cómo proceso un reembolso de un curso cancelado?", "¿Cada cuánto se recertifican los instructores?", "¿Qué es el plan de acción ALGEE?"]),
        (AppRoles.Admin, _) => new(
            "Hello. You can ask about the whole library, internal documents included.",
            ["How do I process a refund for a cancelled course?", "How often must instructors recertify?", "What are the steps of the ALGEE action plan?", "What crisis resources should I share?"]),
        (_, "es") => new(
            "Hola. Pregúntame sobre cursos, programación, facturación y materiales didácticos.",
            ["¿Cuáles son los pasos del plan de acción ALGEE?", "¿Cómo facturo un curso que impartí?", "¿Qué recursos de crisis debo compartir?"]),
        _ => new(
            "Hello. Ask me about courses, scheduling, invoicing and teaching materials.",
            ["What are the steps of the ALGEE action plan?", "How do I invoice for a course I taught?", "How many participants can a virtual course have?", "How do I order participant manuals?"]),
    };
}
