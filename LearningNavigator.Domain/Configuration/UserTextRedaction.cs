using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningNavigator.Configuration;

/// <summary>The kinds of data the app's logs may carry, for the redactor to tell apart.</summary>
public static class DataKinds
{
    public const string Taxonomy = "LearningNavigator";

    /// <summary>What people type: questions, feedback comments, names and e-mail addresses.</summary>
    public static DataClassification UserText { get; } = new(Taxonomy, nameof(UserText));
}

/// <summary>Marks a log parameter as user text: it is erased before any log provider sees it.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class UserTextAttribute() : DataClassificationAttribute(DataKinds.UserText);

public static class UserTextRedaction
{
    /// <summary>
    /// Logs go through the redaction-aware logger factory; parameters marked <see cref="UserTextAttribute"/> are
    /// erased, so a log line can say that a question was asked, and where, without saying what.
    /// </summary>
    public static IServiceCollection AddUserTextRedaction(this IServiceCollection services)
    {
        services.AddRedaction(redaction => redaction.SetRedactor<ErasingRedactor>(new DataClassificationSet(DataKinds.UserText)));
        services.AddLogging(logging => logging.EnableRedaction());
        return services;
    }
}
