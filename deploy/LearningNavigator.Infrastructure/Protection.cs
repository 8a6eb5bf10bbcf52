using Amazon.CDK.AWS.WAFv2;
using Constructs;

namespace LearningNavigator.Infrastructure;

/// <summary>WAF on the load balancer: 2000 requests per 5 minutes per IP, and AWS's managed rule groups.</summary>
public sealed class Protection : Construct
{
    public const int RateLimit = 2000;
    public const int RateWindowSeconds = 300;

    public static readonly IReadOnlyList<string> ManagedRuleGroups =
        ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"];

    public Protection(Construct scope, string id, string loadBalancerArn) : base(scope, id)
    {
        var rules = new List<object>
        {
            new CfnWebACL.RuleProperty
            {
                Name = "RatePerIp",
                Priority = 0,
                Action = new CfnWebACL.RuleActionProperty { Block = new CfnWebACL.BlockActionProperty() },
                Statement = new CfnWebACL.StatementProperty
                {
                    RateBasedStatement = new CfnWebACL.RateBasedStatementProperty
                    {
                        Limit = RateLimit,
                        EvaluationWindowSec = RateWindowSeconds,
                        AggregateKeyType = "IP",
                    },
                },
                VisibilityConfig = Visibility("RatePerIp"),
            },
        };
        for (var i = 0; i < ManagedRuleGroups.Count; i++)
        {
            var name = ManagedRuleGroups[i];
            rules.Add(new CfnWebACL.RuleProperty
            {
                Name = name,
                Priority = i + 1,
                OverrideAction = new CfnWebACL.OverrideActionProperty { None = new Dictionary<string, object>() },
                Statement = new CfnWebACL.StatementProperty
                {
                    ManagedRuleGroupStatement = new CfnWebACL.ManagedRuleGroupStatementProperty
                    {
                        VendorName = "AWS",
                        Name = name,
                        // Admins upload documents larger than the common rule set's 8 KB body limit: count, don't block.
                        RuleActionOverrides = name == "AWSManagedRulesCommonRuleSet"
                            ? new object[] { new CfnWebACL.RuleActionOverrideProperty { Name = "SizeRestrictions_BODY", ActionToUse = new CfnWebACL.RuleActionProperty { Count = new CfnWebACL.CountActionProperty() } } }
                            : null,
                    },
                },
                VisibilityConfig = Visibility(name),
            });
        }

        WebAcl = new CfnWebACL(this, "WebAcl", new CfnWebACLProps
        {
            Scope = "REGIONAL",
            DefaultAction = new CfnWebACL.DefaultActionProperty { Allow = new CfnWebACL.AllowActionProperty() },
            VisibilityConfig = Visibility("LearningNavigator"),
            Rules = rules.ToArray(),
        });
        _ = new CfnWebACLAssociation(this, "LoadBalancer", new CfnWebACLAssociationProps
        {
            ResourceArn = loadBalancerArn,
            WebAclArn = WebAcl.AttrArn,
        });
    }

    public CfnWebACL WebAcl { get; }

    private static CfnWebACL.VisibilityConfigProperty Visibility(string metric) => new()
    {
        CloudWatchMetricsEnabled = true,
        SampledRequestsEnabled = true,
        MetricName = metric,
    };
}
