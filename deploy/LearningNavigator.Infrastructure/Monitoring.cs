using Amazon.CDK;
using Amazon.CDK.AWS.Budgets;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace LearningNavigator.Infrastructure;

/// <summary>
/// The dashboard an operator opens, the alarms that page (slow answers, server errors, Bedrock throttling)
/// and the monthly budget. Answer metrics arrive in the <see cref="AppNamespace"/> namespace, without dimensions,
/// from the app's OpenTelemetry export through the <see cref="MetricsCollector"/> sidecar (docs/operations.md).
/// </summary>
public sealed class Monitoring : Construct
{
    public const string AppNamespace = "LearningNavigator";
    // The app's instrument names, which awsemf keeps as CloudWatch metric names (dots included).
    public const string AnswerDurationMetric = "navigator.answer.duration";
    public const string TimeToFirstTokenMetric = "navigator.answer.time_to_first_token";
    public const string AnswersMetric = "navigator.answers";
    public const string TokensMetric = "navigator.tokens";
    // The instrument's unit is "s" (awsemf writes it as Seconds), so the threshold is in seconds.
    public const double AnswerP95ThresholdSeconds = 3;
    public const double ServerErrorPercentThreshold = 5;

    /// <summary>Everything this construct reads from <see cref="AppNamespace"/>: what the collector must publish.</summary>
    public static readonly IReadOnlyList<string> AppMetrics = [AnswerDurationMetric, TimeToFirstTokenMetric, AnswersMetric, TokensMetric];

    public Monitoring(Construct scope, string id, DeploymentSettings settings, IApplicationLoadBalancer loadBalancer) : base(scope, id)
    {
        Alerts = new Topic(this, "Alerts", new TopicProps { DisplayName = "Learning Navigator alerts" });
        Alerts.AddSubscription(new EmailSubscription(settings.AlarmEmail));
        var page = new SnsAction(Alerts);

        var answerP95 = new Metric(new MetricProps
        {
            Namespace = AppNamespace,
            MetricName = AnswerDurationMetric,
            Statistic = "p95",
            Period = Duration.Minutes(5),
            Label = "Answer latency p95 (s)",
        });
        SlowAnswers = new Alarm(this, "SlowAnswers", new AlarmProps
        {
            AlarmDescription = "p95 answer latency above 3 seconds for 15 minutes.",
            Metric = answerP95,
            Threshold = AnswerP95ThresholdSeconds,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            EvaluationPeriods = 3,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

        var requests = loadBalancer.Metrics.RequestCount(new MetricOptions { Period = Duration.Minutes(5), Statistic = "Sum" });
        var targetErrors = loadBalancer.Metrics.HttpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, new MetricOptions { Period = Duration.Minutes(5), Statistic = "Sum" });
        var balancerErrors = loadBalancer.Metrics.HttpCodeElb(HttpCodeElb.ELB_5XX_COUNT, new MetricOptions { Period = Duration.Minutes(5), Statistic = "Sum" });
        var errorRate = new MathExpression(new MathExpressionProps
        {
            Expression = "100 * (FILL(t5xx, 0) + FILL(e5xx, 0)) / MAX([requests, 1])",
            UsingMetrics = new Dictionary<string, IMetric> { ["t5xx"] = targetErrors, ["e5xx"] = balancerErrors, ["requests"] = requests },
            Label = "5xx rate (%)",
            Period = Duration.Minutes(5),
        });
        ServerErrors = new Alarm(this, "ServerErrors", new AlarmProps
        {
            AlarmDescription = "More than 5% of requests answered 5xx for 10 minutes.",
            Metric = errorRate,
            Threshold = ServerErrorPercentThreshold,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            EvaluationPeriods = 2,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

        var throttles = settings.ModelIds.Select((model, i) => (IMetric)new Metric(new MetricProps
        {
            Namespace = "AWS/Bedrock",
            MetricName = "InvocationThrottles",
            DimensionsMap = new Dictionary<string, string> { ["ModelId"] = model },
            Statistic = "Sum",
            Period = Duration.Minutes(5),
        })).ToArray();
        var allThrottles = new MathExpression(new MathExpressionProps
        {
            Expression = string.Join(" + ", throttles.Select((_, i) => $"FILL(m{i}, 0)")),
            UsingMetrics = throttles.Select((metric, i) => (Key: $"m{i}", Metric: metric)).ToDictionary(p => p.Key, p => p.Metric),
            Label = "Bedrock throttles",
            Period = Duration.Minutes(5),
        });
        BedrockThrottles = new Alarm(this, "BedrockThrottles", new AlarmProps
        {
            AlarmDescription = "Bedrock throttled model calls: raise the quota or route to another model.",
            Metric = allThrottles,
            Threshold = 10,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

        foreach (var alarm in new[] { SlowAnswers, ServerErrors, BedrockThrottles })
        {
            alarm.AddAlarmAction(page);
            alarm.AddOkAction(page);
        }

        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DashboardName = "LearningNavigator" });
        Dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps { Title = "Answer latency p95 (s)", Left = [answerP95], LeftAnnotations = [new HorizontalAnnotation { Value = AnswerP95ThresholdSeconds, Label = "alarm" }], Width = 8 }),
            new GraphWidget(new GraphWidgetProps { Title = "Answers", Left = [AppMetric(AnswersMetric, "Sum")], Width = 8 }),
            new GraphWidget(new GraphWidgetProps { Title = "Time to first token p95 (s)", Left = [AppMetric(TimeToFirstTokenMetric, "p95")], Width = 8 }));
        Dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps { Title = "Requests and 5xx rate", Left = [requests], Right = [errorRate], Width = 8 }),
            new GraphWidget(new GraphWidgetProps { Title = "Tokens", Left = [AppMetric(TokensMetric, "Sum")], Right = [allThrottles], Width = 8 }),
            new AlarmStatusWidget(new AlarmStatusWidgetProps { Title = "Alarms", Alarms = [SlowAnswers, ServerErrors, BedrockThrottles], Width = 8 }));

        Budget = new CfnBudget(this, "Budget", new CfnBudgetProps
        {
            Budget = new CfnBudget.BudgetDataProperty
            {
                BudgetName = "learning-navigator-monthly",
                BudgetType = "COST",
                TimeUnit = "MONTHLY",
                BudgetLimit = new CfnBudget.SpendProperty { Amount = settings.MonthlyBudgetUsd, Unit = "USD" },
            },
            NotificationsWithSubscribers = new object[]
            {
                BudgetAlert("ACTUAL", 80, settings.AlarmEmail),
                BudgetAlert("FORECASTED", 100, settings.AlarmEmail),
            },
        });
    }

    public Topic Alerts { get; }

    public Alarm SlowAnswers { get; }

    public Alarm ServerErrors { get; }

    public Alarm BedrockThrottles { get; }

    public Dashboard Dashboard { get; }

    public CfnBudget Budget { get; }

    private static Metric AppMetric(string name, string statistic) =>
        new(new MetricProps { Namespace = AppNamespace, MetricName = name, Statistic = statistic, Period = Duration.Minutes(5) });

    private static CfnBudget.NotificationWithSubscribersProperty BudgetAlert(string type, double percent, string email) => new()
    {
        Notification = new CfnBudget.NotificationProperty
        {
            NotificationType = type,
            ComparisonOperator = "GREATER_THAN",
            Threshold = percent,
            ThresholdType = "PERCENTAGE",
        },
        Subscribers = new object[] { new CfnBudget.SubscriberProperty { SubscriptionType = "EMAIL", Address = email } },
    };
}
