using LearningNavigator.Chat;
using LearningNavigator.Documents;

namespace LearningNavigator.Tests.Domain.Chat;

/// <summary>Questions mix languages: English product words in Spanish sentences and the other way round.</summary>
public sealed class QuestionLanguageTests
{
    [Theory]
    [InlineData("¿Cómo hago el invoice de un curso?", "es")]
    [InlineData("Necesito el link del Zoom para la sesión virtual", "es")]
    [InlineData("¿Dónde está el roster del training de MHFA?", "es")]
    [InlineData("pasos del plan ALGEE para el workshop", "es")]
    [InlineData("How do I order the manual del participante?", "en")]
    [InlineData("What does 'escuchar sin juzgar' mean in the Spanish course?", "en")]
    [InlineData("Can I teach the curso de primeros auxilios online?", "en")]
    [InlineData("ALGEE steps please", "en")]
    public void The_question_language_is_the_sentence_language_not_the_borrowed_words(string question, string expected) =>
        Assert.Equal(expected, LanguageDetector.Detect(question));

    [Fact]
    public void The_cross_language_note_is_written_in_the_question_language()
    {
        Assert.Contains("solo encontré fuentes en inglés", Guardrails.CrossLanguageNote("es", ["en", "en"]), StringComparison.Ordinal);
        Assert.Contains("only Spanish sources were found", Guardrails.CrossLanguageNote("en", ["es"]), StringComparison.Ordinal);
        Assert.Equal(string.Empty, Guardrails.CrossLanguageNote("es", ["es", "es"]));
        Assert.Equal(string.Empty, Guardrails.CrossLanguageNote("en", []));
    }
}
