using LearningNavigator.Documents;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("How do I invoice?")]
    [InlineData("How do I invoice a course?")]
    [InlineData("Where is the instructor portal?")]
    [InlineData("What is ALGEE?")]
    [InlineData("Can I reschedule my class?")]
    [InlineData("Refund policy")]
    [InlineData("I need help with my certification")]
    [InlineData("When does my certification expire?")]
    [InlineData("Who should I contact about shipping manuals?")]
    [InlineData("Thanks!")]
    [InlineData("Is the youth course available online?")]
    [InlineData("How many participants can attend a session?")]
    [InlineData("Teaching checklist")]
    [InlineData("What should I say to someone thinking about suicide?")]
    [InlineData("Submit invoices within thirty days of the course.")]
    [InlineData("Mental Health First Aid teaches you how to identify, understand and respond to signs of mental illnesses and substance use disorders.")]
    [InlineData("The ALGEE action plan helps a first aider approach, assess and assist a person who may be experiencing a mental health crisis. Listen nonjudgmentally and give reassurance and information.")]
    [InlineData("Instructors must complete the recertification process every three years. The process includes teaching at least three courses and attending a refresher webinar.")]
    [InlineData("Staff members can view the escalation queue, but only admins can change who may see a document in the library.")]
    [InlineData("Encourage appropriate professional help and other support strategies, such as self-help and peer support groups.")]
    public void English_samples_are_english(string text) => Assert.Equal("en", LanguageDetector.Detect(text));

    [Theory]
    [InlineData("¿Cómo facturo un curso?")]
    [InlineData("¿Dónde está el portal de instructores?")]
    [InlineData("¿Qué es ALGEE?")]
    [InlineData("¿Puedo cambiar la fecha de mi clase?")]
    [InlineData("Política de reembolsos")]
    [InlineData("Necesito ayuda con mi certificación")]
    [InlineData("¿Cuándo vence mi certificación?")]
    [InlineData("¡Gracias!")]
    [InlineData("como facturo un curso")]
    [InlineData("donde esta el manual para los participantes")]
    [InlineData("Facturación")]
    [InlineData("¿Cuántos participantes pueden asistir a una sesión?")]
    [InlineData("Lista de verificación para la enseñanza")]
    [InlineData("¿Qué le digo a alguien que piensa en el suicidio?")]
    [InlineData("Envíe las facturas dentro de los treinta días posteriores al curso.")]
    [InlineData("Primeros Auxilios en Salud Mental le enseña a identificar, comprender y responder a las señales de enfermedades mentales y trastornos por uso de sustancias.")]
    [InlineData("El plan de acción ALGEE ayuda a la persona que brinda primeros auxilios a acercarse, evaluar y asistir a alguien que puede estar atravesando una crisis de salud mental. Escuche sin juzgar y ofrezca tranquilidad e información.")]
    [InlineData("Los instructores deben completar el proceso de recertificación cada tres años. El proceso incluye enseñar al menos tres cursos y asistir a un seminario web de actualización.")]
    [InlineData("El personal puede ver la cola de escalamiento, pero solo los administradores pueden cambiar quién puede ver un documento de la biblioteca.")]
    [InlineData("Fomente la ayuda profesional adecuada y otras estrategias de apoyo, como la autoayuda y los grupos de apoyo entre pares.")]
    public void Spanish_samples_are_spanish(string text) => Assert.Equal("es", LanguageDetector.Detect(text));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345 !!!")]
    public void Text_without_evidence_falls_back_to_english(string text) => Assert.Equal("en", LanguageDetector.Detect(text));
}
