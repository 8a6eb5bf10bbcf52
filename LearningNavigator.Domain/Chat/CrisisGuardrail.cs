using System.Text.RegularExpressions;

namespace LearningNavigator.Chat;

/// <summary>
/// Spots crisis language (suicide, self-harm) in a question so crisis resources come before anything else.
/// </summary>
/// <remarks>
/// Three tiers, because instructors talk about suicide all day as a teaching topic:
/// <list type="number">
/// <item>Someone speaking of their own wish to die or hurt themselves ("I don't want to be here anymore",
/// "no aguanto más", "kms") is always a crisis, whatever else the message says.</item>
/// <item>A report about a particular person ("my participant is thinking about suicide") is a crisis unless the
/// message is plainly about the curriculum or a hypothetical ("if someone says…"), and even then when it
/// happened just now ("today", "ahora").</item>
/// <item>The topic word alone ("suicide", "autolesión", misspelt or not) is a crisis only when a person is in
/// the sentence and nothing marks it as teaching material, or when the message is little more than the word.</item>
/// </list>
/// It still errs towards showing the resources: a false alarm costs a paragraph, a miss can cost far more.
/// The measured rates are in docs/benchmarks.md.
/// </remarks>
public static partial class CrisisGuardrail
{
    public static bool IsCrisis(string text)
    {
        var folded = GuardrailText.Fold(text);
        if (FirstPerson().IsMatch(folded))
        {
            return true;
        }

        var hypothetical = Hypothetical().IsMatch(folded);
        var happeningNow = RightNow().IsMatch(folded);
        if (ThirdPerson().IsMatch(folded))
        {
            // "Someone in my course is thinking about ending their life" is a report: the course is only where
            // it happened. Only the material itself ("the suicide module") or a rehearsal makes it teaching.
            return !(hypothetical || Material().IsMatch(folded)) || happeningNow;
        }

        if (!Topic().IsMatch(folded))
        {
            return false;
        }

        var teaching = hypothetical || Curriculum().IsMatch(folded);
        var words = GuardrailText.WordCount(folded);
        // "How do I ask someone about suicide?" is the course's own question, not a disclosure.
        teaching |= HowTo().IsMatch(folded);
        return words <= 3 || (Person().IsMatch(folded) && (!teaching || happeningNow));
    }

    public static string ResourcesMarkdown(string language) => language == "es"
        ? "> **Si tú o alguien está en peligro:** llama o envía un mensaje de texto al **988** (Línea de Prevención del Suicidio y Crisis; marca 2 o escribe «AYUDA» para atención en español). Si hay peligro inmediato, llama al **911**.\n\n"
        : "> **If you or someone else is in crisis:** call or text **988** (988 Suicide & Crisis Lifeline; press 2 for Spanish). If there is immediate danger, call **911**.\n\n";

    // The speaker's own wish to die or to hurt themselves. Text is folded: lower case, no accents, ’ as '.
    [GeneratedRegex(
        """
        \b(
          kms | kill(ing)?\s+my\s?self | unalive\s+my\s?self | off\s+my\s?self
        | (end|ending|take|taking)\s+my\s+(own\s+)?life | end\s+it\s+all
        | (i|i'm|im|i\s+am|i\s+just|i\s+really|i\s+kinda|i\s+sort\s+of)\s+(want|wanna|wish|need|going|gonna|plan(ning)?|feel\s+like|am\s+going)\s+(to\s+)?(die|disappear\s+forever|kill\s+my\s?self|end\s+(it|my\s+life))
        | wish\s+i\s+(was|were|had\s+been)\s+(dead|never\s+born)
        | i('d|\s+would)\s+be\s+better\s+off\s+dead | better\s+off\s+without\s+me
        | (i\s+)?(don'?t|do\s+not|dont)\s+want\s+to\s+(be\s+(here|alive|around)|live|exist|wake\s+up)(\s+any\s?more)?
        | no\s+(reason|point)\s+(to|in)\s+(live|living|go(ing)?\s+on)
        | i\s+can'?t\s+(go\s+on|take\s+(it|this)\s+any\s?more|do\s+this\s+any\s?more|keep\s+going)
        | (hurt|hurting|harm|harming|cut|cutting|burn|burning)\s+my\s?self
        | (i'm|im|i\s+am|i\s+feel|feeling)\s+(so\s+|really\s+|very\s+|kind\s+of\s+)?(suicidal|suicdal|sucidal)
        | (i'?ve|i\s+have|i've\s+been|i\s+keep|i'm|im|i\s+am)\s+(been\s+)?(thinking|thought)\s+(about|of)\s+(suicide|suicde|sucide|killing\s+my\s?self|ending\s+(it|my\s+life)|dying)
        | (me\s+)?(quiero|quisiera|queria|voy\s+a|pienso)\s+(matarme|suicidarme|morir(me)?|quitarme\s+la\s+vida|desaparecer\s+para\s+siempre)
        | me\s+(quiero|voy\s+a)\s+(matar|suicidar|morir)
        | matarme | suicidarme | quitarme\s+la\s+vida | acabar\s+con\s+mi\s+vida
        | no\s+(quiero|puedo)\s+(vivir|seguir(\s+viviendo|\s+asi)?|estar\s+aqui|despertar)(\s+mas)?
        | (ya\s+)?no\s+aguanto\s+mas | ya\s+no\s+puedo\s+mas
        | (sin|no\s+tengo)\s+ganas\s+de\s+vivir | ganas\s+de\s+morir(me)?
        | no\s+vale\s+la\s+pena\s+vivir | (estaria|estarian)\s+mejor\s+sin\s+mi | mejor\s+(estar|estaria)\s+muert[oa]
        | hacerme\s+dano | me\s+hago\s+dano | autolesionarme | me\s+autolesiono
        | (me\s+corto|cortarme)\s+(los\s+brazos|las\s+munecas|las\s+piernas|la\s+piel)
        | (estoy|me\s+siento)\s+(muy\s+)?suicida
        | (estoy|sigo|ando|he\s+estado)\s+pensando\s+en\s+(suicidarme|matarme|quitarme\s+la\s+vida|el\s+suicidio|morirme)
        )\b
        """,
        RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex FirstPerson();

    // Someone else is, right now, at risk: said to want to die, to be suicidal or to be hurting themselves.
    [GeneratedRegex(
        """
        \b(
          kill(ing)?\s+(him|her|them)sel(f|ves) | (end|ending|take|taking)\s+(his|her|their)\s+(own\s+)?li(fe|ves)
        | (he|she|they|someone|somebody|participant|student|friend|colleague|coworker|son|daughter|partner|client)\s+(\w+\s+){0,3}(wants?|wanted|wanna|is\s+going|plans?|planning)\s+to\s+(die|kill|end\s+(it|his|her|their))
        | (hurt|hurting|harm|harming|cut|cutting|burn|burning)\s+(him|her|them)sel(f|ves|f)
        | (he|she|they|he's|she's|they're|hes|shes|is|are|seems|sounds)\s+(\w+\s+)?(suicidal|suicdal|sucidal)
        | (is|are|was|been|keeps|kept)\s+(thinking|talking|posting|writing)\s+(about|of)\s+(suicide|suicde|sucide|killing\s+(him|her|them)sel(f|ves)|ending\s+(it|(his|her|their)\s+life)|dying)
        | threaten(ed|ing|s)?\s+(suicide|to\s+kill\s+(him|her|them)sel(f|ves))
        | (wrote|writing|left|found)\s+a\s+(suicide\s+)?note\s+(saying|about)\s+(dying|suicide)
        | (wrote|left|found)\s+a\s+suicide\s+note
        | (quiere|queria|va\s+a|piensa)\s+(matarse|suicidarse|morir(se)?|quitarse\s+la\s+vida)
        | se\s+(quiere|va\s+a)\s+(matar|suicidar|morir)
        | (esta|estan)\s+(pensando|hablando)\s+en\s+(suicidarse|matarse|quitarse\s+la\s+vida|el\s+suicidio|morir(se)?)
        | (habla|hablo|hablaba)\s+de\s+(suicidarse|matarse|quitarse\s+la\s+vida|morir(se)?)
        | (se\s+esta\s+cortando|se\s+corta\s+(los|las)|se\s+autolesiona|se\s+hace\s+dano|hacerse\s+dano)
        | (es|esta|parece)\s+suicida
        | no\s+quiere\s+(vivir|seguir(\s+viviendo)?)
        )\b
        """,
        RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex ThirdPerson();

    // The topic itself, spelt right or wrong.
    [GeneratedRegex(
        @"\b(suicid\w*|suicd\w*|suicde\w*|sucid\w*|suiside\w*|suisid\w*|sewer\s?slide|self[-\s]?harm\w*|self[-\s]?injur\w*|autolesi\w*|auto[-\s]?lesi\w*|overdos\w*|sobredosis)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Topic();

    [GeneratedRegex(
        @"\b(i|i'm|im|me|my|myself|he|she|they|him|her|them|his|their|someone|somebody|friend|participant|student|colleague|coworker|son|daughter|partner|husband|wife|brother|sister|mom|dad|mother|father|client|yo|estoy|mi|mis|amigo|amiga|participante|alumno|alumna|estudiante|hijo|hija|pareja|esposo|esposa|hermano|hermana|companero|companera|alguien|el|ella|ellos|ellas)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Person();

    // Words of the course and its delivery: a question about teaching the topic is not a disclosure.
    [GeneratedRegex(
        @"\b(teach\w*|train\w*|course|courses|class|classes|module\w*|section\w*|slide\w*|lesson\w*|curriculum|session\w*|present\w*|explain\w*|cover(s|ed|ing)?|discuss\w*|statistic\w*|material\w*|manual\w*|handbook|activit\w*|role[-\s]?play\w*|video\w*|quiz\w*|exam\w*|certif\w*|instructor\w*|workshop\w*|handout\w*|script\w*|chapter\w*|resource\w*|policy|policies|procedure\w*|protocol\w*|algee|mhfa|sign\w*|warning|myths?|risk\s+factors?|ensen\w*|capacit\w*|clases?|curso\w*|modulo\w*|seccion\w*|diapositiva\w*|leccion\w*|sesion\w*|presenta\w*|explic\w*|estadistica\w*|materiales|manual|actividad\w*|formacion|taller\w*|capitulo\w*|recursos|politica\w*|procedimiento\w*|protocolo\w*|senales|mitos?|factores\s+de\s+riesgo)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Curriculum();

    [GeneratedRegex(
        @"\b(teach\w*|module\w*|section\w*|slide\w*|lesson\w*|curriculum|role[-\s]?play\w*|manual\w*|handbook|video\w*|statistic\w*|myths?|polic(y|ies)|procedure\w*|protocol\w*|present(ing|ation)\w*|explain\w*|ensen\w*|modulo\w*|seccion\w*|diapositiva\w*|leccion\w*|estadistica\w*|mitos?|politica\w*|procedimiento\w*|protocolo\w*|explic\w*)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Material();

    // "What should I do if someone says…": a rehearsal, not a report.
    [GeneratedRegex(
        @"\b((if|when|whenever|suppose)\s+(a|an|someone|somebody|one|my|the|any|they|he|she|people|person)|in\s+case|hypothetical\w*|(si|cuando)\s+(un|una|alguien|mi|el|la|algun|alguna|una\s+persona|esta|estan|tiene|piensa|quiere)|en\s+caso\s+de)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Hypothetical();

    [GeneratedRegex(
        @"\b(how\s+(do|can|should|would|could|to)\s+((i|we|you|instructors?)\s+)?(best\s+)?(recogni[sz]e|spot|identify|notice|ask|talk|respond|support|help|approach|handle|address|answer|refer|explain|teach|present|introduce|describe|bring\s+up|prepare|debrief|follow\s+up)|what\s+(are|is|does|do)\s+(the|some|common|a|an)|what\s+should\s+(i|we)\s+(say|avoid|know)|como\s+(reconozco|identifico|pregunto|hablo|respondo|apoyo|ayudo|abordo|explico|presento|preparo|debo|puedo|se)|cuales\s+son|que\s+(son|es|significa|dice|debo\s+decir))\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex HowTo();

    [GeneratedRegex(
        @"\b(just|today|tonight|right\s+now|currently|this\s+(morning|afternoon|evening|week)|yesterday|last\s+night|hoy|ahora|ahorita|anoche|esta\s+(noche|manana|tarde|semana)|acaba\s+de|ayer|en\s+este\s+momento)\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex RightNow();
}
