using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace LearningNavigator.Aws;

public static class AwsServiceCollectionExtensions
{
    /// <summary>The name SigV4 signs Bedrock, Bedrock Agent and Bedrock Agent Runtime requests with.</summary>
    public const string BedrockSigningName = "bedrock";

    /// <summary>Binds "Aws" and registers the standard credential chain unless credentials are already registered.</summary>
    public static IServiceCollection AddAws(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AwsOptions>()
            .Bind(configuration.GetSection(AwsOptions.SectionName))
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "Aws:MaxRetries must be between 0 and 10.")
            .Validate(o => o.RetryBaseDelay >= TimeSpan.Zero, "Aws:RetryBaseDelay must not be negative.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        return services;
    }

    /// <summary>
    /// A named HttpClient for a JSON AWS API: errors become <see cref="AwsRequestException"/>, throttling and 5xx are
    /// retried (bounded, exponential back-off with jitter), and every attempt is SigV4-signed.
    /// </summary>
    public static IHttpClientBuilder AddAwsJsonClient(this IServiceCollection services, string name, string serviceDisplayName)
    {
        var builder = services.AddHttpClient(name)
            .AddHttpMessageHandler(() => new AwsErrorHandler(serviceDisplayName));
        builder.AddResilienceHandler(name + ".retry", (pipeline, context) =>
        {
            var aws = context.ServiceProvider.GetRequiredService<IOptions<AwsOptions>>().Value;
            if (aws.MaxRetries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = aws.MaxRetries,
                    Delay = aws.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }
        });
        builder.AddHttpMessageHandler(sp => new SigV4SigningHandler(
            sp.GetRequiredService<IAwsCredentialSource>(),
            sp.GetRequiredService<IOptions<AwsOptions>>().Value.Region ?? string.Empty,
            BedrockSigningName,
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
