using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CertificateManager;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECR;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.ECS.Patterns;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Constructs;
using HealthCheck = Amazon.CDK.AWS.ElasticLoadBalancingV2.HealthCheck;
using Protocol = Amazon.CDK.AWS.ElasticLoadBalancingV2.Protocol;

namespace LearningNavigator.Infrastructure;

/// <summary>
/// The app's container on ECS Fargate behind an Application Load Balancer. Blazor Server keeps a circuit
/// per browser tab on one task over a WebSocket, so the target group is sticky and idle connections last.
/// </summary>
public sealed class WebService : Construct
{
    public const int ContainerPort = 8080;
    public const string DataPath = "/app/App_Data";

    public WebService(Construct scope, string id, DeploymentSettings settings, TaskRolePolicy permissions) : base(scope, id)
    {
        var vpc = new Vpc(this, "Network", new VpcProps { MaxAzs = 2, NatGateways = 1 });
        var cluster = new Cluster(this, "Cluster", new ClusterProps { Vpc = vpc, ContainerInsights = true });

        // Least privilege: exactly the statements TaskRolePolicy lists, nothing granted implicitly.
        TaskRole = new Role(this, "TaskRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ecs-tasks.amazonaws.com"),
            Description = "What the Learning Navigator app may call: its table, bucket, models and knowledge base.",
        });
        foreach (var statement in permissions.Statements())
        {
            TaskRole.AddToPolicy(statement);
        }

        var task = new FargateTaskDefinition(this, "Task", new FargateTaskDefinitionProps
        {
            Cpu = 1024,
            MemoryLimitMiB = 2048,
            TaskRole = TaskRole,
            RuntimePlatform = new RuntimePlatform { CpuArchitecture = CpuArchitecture.X86_64, OperatingSystemFamily = OperatingSystemFamily.LINUX },
        });
        // The root file system is read-only; the app writes only to its data volume (accounts, library catalog, local
        // index) and /tmp. Both are per task and go with it, so nothing that must outlive a task or be shared lives there.
        task.AddVolume(new Amazon.CDK.AWS.ECS.Volume { Name = "data" });
        task.AddVolume(new Amazon.CDK.AWS.ECS.Volume { Name = "tmp" });

        Logs = new LogGroup(this, "AppLogs", new LogGroupProps { Retention = RetentionDays.ONE_MONTH, RemovalPolicy = RemovalPolicy.DESTROY });
        var container = task.AddContainer("app", new ContainerDefinitionOptions
        {
            Image = ContainerImage.FromEcrRepository(Repository.FromRepositoryName(this, "Image", settings.ImageRepository), settings.ImageTag),
            ReadonlyRootFilesystem = true,
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = Logs, StreamPrefix = "app" }),
            Environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
                // The keys behind sign-in cookies and circuits: in the table every task reads, so a cookie keeps working
                // when its task is replaced or the load balancer moves the browser to another task. The image's own
                // default (a folder on the data volume) would give each task keys of its own, lost with it.
                ["DataProtection__Store"] = "DynamoDb",
                ["Logging__Console__FormatterName"] = "json",
                ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
            },
            PortMappings = [new PortMapping { ContainerPort = ContainerPort }],
            HealthCheck = new Amazon.CDK.AWS.ECS.HealthCheck
            {
                Command = ["CMD", "dotnet", "LearningNavigator.Web.dll", "--healthcheck"],
                Interval = Duration.Seconds(30),
                Timeout = Duration.Seconds(5),
                StartPeriod = Duration.Seconds(60),
                Retries = 3,
            },
        });
        container.AddMountPoints(
            new MountPoint { SourceVolume = "data", ContainerPath = DataPath, ReadOnly = false },
            new MountPoint { SourceVolume = "tmp", ContainerPath = "/tmp", ReadOnly = false });
        Container = container;

        Metrics = new MetricsCollector(this, "Metrics", task, container, Logs);
        TaskRole.AddToPolicy(TaskRolePolicy.PublishMetrics(Metrics.LogGroup));

        var https = settings.CertificateArn is { Length: > 0 } certificateArn;
        Service = new ApplicationLoadBalancedFargateService(this, "Service", new ApplicationLoadBalancedFargateServiceProps
        {
            Cluster = cluster,
            TaskDefinition = task,
            DesiredCount = settings.DesiredCount,
            PublicLoadBalancer = true,
            Protocol = https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP,
            Certificate = https ? Certificate.FromCertificateArn(this, "Certificate", settings.CertificateArn!) : null,
            RedirectHTTP = https,
            SslPolicy = https ? SslPolicy.RECOMMENDED_TLS : null,
            CircuitBreaker = new DeploymentCircuitBreaker { Rollback = true },
            MinHealthyPercent = 100,
            HealthCheckGracePeriod = Duration.Seconds(90),
            // Long-lived WebSockets: a quiet circuit is not cut after the default 60 s.
            IdleTimeout = Duration.Seconds(900),
        });
        Service.TargetGroup.EnableCookieStickiness(Duration.Hours(8), null);
        Service.TargetGroup.SetAttribute("deregistration_delay.timeout_seconds", "60");
        Service.TargetGroup.ConfigureHealthCheck(new HealthCheck
        {
            Path = "/health/ready",
            Protocol = Protocol.HTTP,
            HealthyHttpCodes = "200",
            Interval = Duration.Seconds(15),
            HealthyThresholdCount = 2,
            UnhealthyThresholdCount = 3,
        });
        Service.LoadBalancer.SetAttribute("routing.http.drop_invalid_header_fields.enabled", "true");

        var scaling = Service.Service.AutoScaleTaskCount(new EnableScalingProps { MinCapacity = settings.DesiredCount, MaxCapacity = settings.DesiredCount * 4 });
        scaling.ScaleOnCpuUtilization("Cpu", new CpuUtilizationScalingProps { TargetUtilizationPercent = 60 });
    }

    public Role TaskRole { get; }

    public ContainerDefinition Container { get; }

    public LogGroup Logs { get; }

    public MetricsCollector Metrics { get; }

    public ApplicationLoadBalancedFargateService Service { get; }
}
