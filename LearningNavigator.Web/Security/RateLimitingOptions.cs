using System.ComponentModel.DataAnnotations;

namespace LearningNavigator.Web.Security;

/// <summary>HTTP limits per client address (the seed's WAF rule: 2000 requests per 5 minutes).</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    [Required]
    public PerIpLimit PerIp { get; set; } = new();

    public sealed class PerIpLimit
    {
        [Range(1, 1_000_000, ErrorMessage = "RateLimiting:PerIp:PermitLimit must be between 1 and 1,000,000.")]
        public int PermitLimit { get; set; } = 2000;

        [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "RateLimiting:PerIp:Window must be between 1 second and 1 day.")]
        public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
    }
}
