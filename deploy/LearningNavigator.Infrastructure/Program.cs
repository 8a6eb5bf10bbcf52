using Amazon.CDK;
using LearningNavigator.Infrastructure;

var app = new App();
var settings = DeploymentSettings.FromContext(app);
_ = new LearningNavigatorStack(app, settings.StackName, settings, new StackProps
{
    Env = new Amazon.CDK.Environment
    {
        Account = System.Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT"),
        Region = System.Environment.GetEnvironmentVariable("CDK_DEFAULT_REGION"),
    },
    Description = "Learning Navigator: chat over the organisation's documents (ECS Fargate, DynamoDB, Bedrock).",
});
app.Synth();
