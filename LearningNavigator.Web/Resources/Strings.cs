using System.Globalization;
using System.Resources;

namespace LearningNavigator.Web.Resources;

/// <summary>
/// The interface's strings: Strings.resx (English, the default) and Strings.es.resx. Components read them
/// through <c>IStringLocalizer&lt;Strings&gt;</c>; the static properties serve validation attributes, which
/// can only name a static property.
/// </summary>
public sealed class Strings
{
    private static readonly ResourceManager Manager = new(typeof(Strings).FullName!, typeof(Strings).Assembly);

    public static string LoginEmailRequired => Get(nameof(LoginEmailRequired));

    public static string LoginEmailInvalid => Get(nameof(LoginEmailInvalid));

    public static string LoginPasswordRequired => Get(nameof(LoginPasswordRequired));

    private static string Get(string name) => Manager.GetString(name, CultureInfo.CurrentUICulture) ?? name;
}
