using Amazon.CDK;
using Amazon.CDK.AWS.Backup;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace LearningNavigator.Infrastructure;

/// <summary>
/// Disaster recovery beyond point-in-time recovery: daily backups kept 35 days and monthly ones kept a year,
/// of the table and the document bucket, in a vault that refuses deletion with the stack.
/// </summary>
public sealed class Backups : Construct
{
    public Backups(Construct scope, string id, Table table, Bucket documents) : base(scope, id)
    {
        var vault = new BackupVault(this, "Vault", new BackupVaultProps { RemovalPolicy = RemovalPolicy.RETAIN });
        Plan = new BackupPlan(this, "Plan", new BackupPlanProps
        {
            BackupVault = vault,
            BackupPlanRules =
            [
                new BackupPlanRule(new BackupPlanRuleProps
                {
                    RuleName = "Daily",
                    ScheduleExpression = Schedule.Cron(new CronOptions { Hour = "3", Minute = "0" }),
                    DeleteAfter = Duration.Days(35),
                }),
                new BackupPlanRule(new BackupPlanRuleProps
                {
                    RuleName = "Monthly",
                    ScheduleExpression = Schedule.Cron(new CronOptions { Day = "1", Hour = "4", Minute = "0" }),
                    DeleteAfter = Duration.Days(365),
                }),
            ],
        });

        // S3 backups need their own managed policies on top of the default backup role's.
        var role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("backup.amazonaws.com"),
            ManagedPolicies =
            [
                ManagedPolicy.FromAwsManagedPolicyName("service-role/AWSBackupServiceRolePolicyForBackup"),
                ManagedPolicy.FromAwsManagedPolicyName("service-role/AWSBackupServiceRolePolicyForRestores"),
                ManagedPolicy.FromAwsManagedPolicyName("AWSBackupServiceRolePolicyForS3Backup"),
                ManagedPolicy.FromAwsManagedPolicyName("AWSBackupServiceRolePolicyForS3Restore"),
            ],
        });
        Plan.AddSelection("Data", new BackupSelectionOptions
        {
            Role = role,
            Resources = [BackupResource.FromDynamoDbTable(table), BackupResource.FromArn(documents.BucketArn)],
        });
    }

    public BackupPlan Plan { get; }
}
