using LearningNavigator.Aws;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Options;

namespace LearningNavigator.Conversations.DynamoDb;

/// <summary>Creates the table the store expects: on-demand, GSI1, TTL on <c>ExpiresAt</c>.</summary>
public sealed class DynamoDbTable(IAmazonDynamoDB client, IOptions<DynamoDbStorageOptions> options)
{
    private static readonly TimeSpan ActiveTimeout = TimeSpan.FromMinutes(5);

    public string Name => options.Value.TableName;

    public async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.DescribeTableAsync(new DescribeTableRequest { TableName = Name }, cancellationToken);
            return true;
        }
        catch (ResourceNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Creates the table and waits until it is active. False when it was already there: its keys are left as they
    /// are, but TTL on <c>ExpiresAt</c> is turned on if it is off, since retention depends on it.
    /// </summary>
    public async Task<bool> CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        if (await ExistsAsync(cancellationToken))
        {
            return false;
        }

        try
        {
            await client.CreateTableAsync(new CreateTableRequest
            {
                TableName = Name,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions =
                [
                    new() { AttributeName = DynamoDbItems.Pk, AttributeType = ScalarAttributeType.S },
                    new() { AttributeName = DynamoDbItems.Sk, AttributeType = ScalarAttributeType.S },
                    new() { AttributeName = DynamoDbItems.Gsi1Pk, AttributeType = ScalarAttributeType.S },
                    new() { AttributeName = DynamoDbItems.Gsi1Sk, AttributeType = ScalarAttributeType.S },
                ],
                KeySchema =
                [
                    new() { AttributeName = DynamoDbItems.Pk, KeyType = KeyType.HASH },
                    new() { AttributeName = DynamoDbItems.Sk, KeyType = KeyType.RANGE },
                ],
                GlobalSecondaryIndexes =
                [
                    new()
                    {
                        IndexName = DynamoDbItems.Gsi1,
                        KeySchema =
                        [
                            new() { AttributeName = DynamoDbItems.Gsi1Pk, KeyType = KeyType.HASH },
                            new() { AttributeName = DynamoDbItems.Gsi1Sk, KeyType = KeyType.RANGE },
                        ],
                        Projection = new Projection { ProjectionType = ProjectionType.ALL },
                    },
                ],
            }, cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // Another process created it between our look and our create: wait for it like our own.
        }

        await WaitUntilActiveAsync(cancellationToken);
        // Through the check: when another process made the table, it may have turned TTL on already.
        await EnsureTimeToLiveAsync(cancellationToken);
        return true;
    }

    /// <summary>What retention needs from an existing table's TTL setting, and what was done about it.</summary>
    public async Task<TimeToLiveCheck> EnsureTimeToLiveAsync(CancellationToken cancellationToken)
    {
        var current = (await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = Name }, cancellationToken)).TimeToLiveDescription;
        var status = current?.TimeToLiveStatus;
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING)
        {
            return current!.AttributeName == DynamoDbItems.ExpiresAt
                ? new TimeToLiveCheck(TimeToLiveOutcome.AlreadyOn, current.AttributeName)
                : new TimeToLiveCheck(TimeToLiveOutcome.OnAnotherAttribute, current.AttributeName);
        }

        if (status == TimeToLiveStatus.DISABLING)
        {
            // DynamoDB refuses a change while the last one is settling; saying so beats a raw ValidationException.
            return new TimeToLiveCheck(TimeToLiveOutcome.Settling, current!.AttributeName);
        }

        await client.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
        {
            TableName = Name,
            TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = DynamoDbItems.ExpiresAt, Enabled = true },
        }, cancellationToken);
        return new TimeToLiveCheck(TimeToLiveOutcome.TurnedOn, DynamoDbItems.ExpiresAt);
    }

    private async Task WaitUntilActiveAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ActiveTimeout;
        while (true)
        {
            var table = (await client.DescribeTableAsync(new DescribeTableRequest { TableName = Name }, cancellationToken)).Table;
            if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Table '{Name}' was not active after {ActiveTimeout.TotalMinutes} minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}

/// <summary>The low-level client as the options describe it; credentials from the standard AWS chain unless given.</summary>
public static class DynamoDbClientFactory
{
    /// <summary>Region used to sign requests to an endpoint override when no region is configured.</summary>
    public const string DefaultLocalRegion = "us-east-1";

    public static AmazonDynamoDBClient Create(AwsOptions aws, DynamoDbStorageOptions storage, AWSCredentials? credentials = null)
    {
        var config = new AmazonDynamoDBConfig
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = storage.MaxAttempts - 1,
        };
        if (!string.IsNullOrEmpty(aws.DynamoDbUrl))
        {
            config.ServiceURL = aws.DynamoDbUrl;
            config.AuthenticationRegion = string.IsNullOrEmpty(aws.Region) ? DefaultLocalRegion : aws.Region;
        }
        else if (!string.IsNullOrEmpty(aws.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(aws.Region);
        }

        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }
}

public enum TimeToLiveOutcome
{
    AlreadyOn,
    TurnedOn,
    OnAnotherAttribute,
    Settling,
}

public sealed record TimeToLiveCheck(TimeToLiveOutcome Outcome, string? AttributeName);
