using Mono.Cecil;
using Mono.Cecil.Cil;

namespace LearningNavigator.Infrastructure.Tests;

/// <summary>
/// The IAM actions the web app needs, read from its compiled code rather than from a list someone keeps: every
/// DynamoDB and S3 SDK call, every item kind inside a DynamoDB transaction, and the Bedrock operations made by the
/// app's own clients. Calls made only by operator commands (the CLI's <c>db create</c> and <c>export</c>, run with
/// the operator's credentials) are left out by name.
/// </summary>
public static class AppAwsCalls
{
    /// <summary>Methods the web app never runs: the CLI calls them under the operator's own credentials.</summary>
    public static readonly IReadOnlySet<string> OperatorOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "LearningNavigator.Conversations.DynamoDb.DynamoDbTable", // db create
        "LearningNavigator.Conversations.DynamoDb.DynamoDbConversationStore.ScanTypeAsync", // export
        "LearningNavigator.Escalations.DynamoDb.DynamoDbEscalationStore.ReadAllAsync", // export
    };

    // A transaction needs the permission of each kind of item it holds; TransactWriteItems itself is no IAM action.
    private static readonly Dictionary<string, string> TransactionItems = new(StringComparer.Ordinal)
    {
        ["set_Put"] = "dynamodb:PutItem",
        ["set_Update"] = "dynamodb:UpdateItem",
        ["set_Delete"] = "dynamodb:DeleteItem",
        ["set_ConditionCheck"] = "dynamodb:ConditionCheckItem",
    };

    private static readonly Dictionary<string, string[]> S3Operations = new(StringComparer.Ordinal)
    {
        ["ListObjectsV2Async"] = ["s3:ListBucket"],
        ["ListObjectsAsync"] = ["s3:ListBucket"],
        ["GetObjectAsync"] = ["s3:GetObject"],
        ["GetObjectMetadataAsync"] = ["s3:GetObject"],
        ["PutObjectAsync"] = ["s3:PutObject"],
        ["DeleteObjectAsync"] = ["s3:DeleteObject"],
        ["DeleteObjectsAsync"] = ["s3:DeleteObject"],
        ["CopyObjectAsync"] = ["s3:GetObject", "s3:PutObject"],
    };

    // The app's own SigV4 clients: the method that sends each request, and the operation it is.
    private static readonly Dictionary<string, string> OwnBedrockClients = new(StringComparer.Ordinal)
    {
        ["LearningNavigator.Knowledge.Bedrock.BedrockKnowledgeBaseRetriever.RetrieveAsync"] = "bedrock:Retrieve",
        ["LearningNavigator.Knowledge.Bedrock.BedrockAgentClient.StartIngestionJobAsync"] = "bedrock:StartIngestionJob",
        ["LearningNavigator.Knowledge.Bedrock.BedrockAgentClient.GetIngestionJobAsync"] = "bedrock:GetIngestionJob",
    };

    /// <summary>Each action with one place that needs it (type.method), for the failure message.</summary>
    public static IReadOnlyDictionary<string, string> Find(params System.Reflection.Assembly[] assemblies)
    {
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var assembly in assemblies)
        {
            using var module = ModuleDefinition.ReadModule(assembly.Location);
            foreach (var type in module.GetTypes())
            {
                foreach (var method in type.Methods)
                {
                    var caller = CallerOf(method);
                    if (OperatorOnly.Contains(caller) || OperatorOnly.Contains(caller[..caller.LastIndexOf('.')]))
                    {
                        continue;
                    }

                    if (OwnBedrockClients.TryGetValue($"{type.FullName}.{method.Name}", out var own))
                    {
                        found.TryAdd(own, caller);
                    }

                    if (!method.HasBody)
                    {
                        continue;
                    }

                    foreach (var instruction in method.Body.Instructions)
                    {
                        if (instruction.OpCode.FlowControl == FlowControl.Call && instruction.Operand is MethodReference called)
                        {
                            foreach (var action in ActionsOf(called))
                            {
                                found.TryAdd(action, caller);
                            }
                        }
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The calls <see cref="OperatorOnly"/> leaves out are safe to leave out only while nothing but the operator's
    /// commands reaches them: the stores' ReadAll* methods (export scans) from <c>ConversationTransfer</c>, and the
    /// table's methods (db create) from the table itself. Every other caller is returned, as "caller -> callee".
    /// </summary>
    public static IReadOnlyList<string> OperatorOnlyReachedFromElsewhere(params System.Reflection.Assembly[] assemblies)
    {
        var found = new List<string>();
        foreach (var assembly in assemblies)
        {
            using var module = ModuleDefinition.ReadModule(assembly.Location);
            foreach (var method in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
            {
                var caller = CallerOf(method);
                foreach (var called in method.Body.Instructions.Select(i => i.Operand).OfType<MethodReference>())
                {
                    var owner = called.DeclaringType.FullName;
                    var export = called.Name.StartsWith("ReadAll", StringComparison.Ordinal)
                        && owner.StartsWith("LearningNavigator.", StringComparison.Ordinal)
                        && (owner.EndsWith("Store", StringComparison.Ordinal) || owner.EndsWith(".IConversationStore", StringComparison.Ordinal));
                    var createTable = owner == "LearningNavigator.Conversations.DynamoDb.DynamoDbTable" && called.Name != ".ctor";
                    var allowed = export
                        ? caller.StartsWith("LearningNavigator.Conversations.Transfer.ConversationTransfer.", StringComparison.Ordinal)
                        : caller.StartsWith("LearningNavigator.Conversations.DynamoDb.DynamoDbTable.", StringComparison.Ordinal);
                    if ((export || createTable) && !allowed)
                    {
                        found.Add($"{caller} -> {owner}.{called.Name}");
                    }
                }
            }
        }

        return found;
    }

    /// <summary>Every method of the app's assemblies that calls a non-streaming chat method (which would need bedrock:InvokeModel).</summary>
    public static IReadOnlyList<string> NonStreamingModelCalls(params System.Reflection.Assembly[] assemblies)
    {
        var callers = new List<string>();
        foreach (var assembly in assemblies)
        {
            using var module = ModuleDefinition.ReadModule(assembly.Location);
            callers.AddRange(module.GetTypes()
                .SelectMany(t => t.Methods)
                // "<>n__0" is the compiler's stand-in for "base.X(...)" inside a lambda: delegation again.
                .Where(m => m.HasBody && !m.Name.StartsWith("<>n__", StringComparison.Ordinal) && m.Body.Instructions.Any(i => i.Operand is MethodReference r
                    && r.Name == "GetResponseAsync"
                    && r.DeclaringType.Namespace == "Microsoft.Extensions.AI"))
                .Select(CallerOf)
                // A chat client's own GetResponseAsync passing the call on is the contract, not a use of it.
                .Where(caller => !caller.EndsWith(".GetResponseAsync", StringComparison.Ordinal)));
        }

        return callers;
    }

    private static IEnumerable<string> ActionsOf(MethodReference called)
    {
        var owner = called.DeclaringType.FullName;
        if (owner.StartsWith("Amazon.", StringComparison.Ordinal) && called.Name == "get_Paginators")
        {
            // A paginator hides which operations it calls: fail by name rather than pass a call the role may not make.
            yield return $"<unmapped {owner}.Paginators>";
        }
        else if (owner is "Amazon.DynamoDBv2.IAmazonDynamoDB" or "Amazon.DynamoDBv2.AmazonDynamoDBClient")
        {
            if (called.Name.EndsWith("Async", StringComparison.Ordinal) && called.Name != "TransactWriteItemsAsync")
            {
                yield return "dynamodb:" + called.Name[..^"Async".Length];
            }
        }
        else if (owner == "Amazon.DynamoDBv2.Model.TransactWriteItem" && TransactionItems.TryGetValue(called.Name, out var item))
        {
            yield return item;
        }
        else if (owner is "Amazon.S3.IAmazonS3" or "Amazon.S3.AmazonS3Client" && called.Name.EndsWith("Async", StringComparison.Ordinal))
        {
            // An S3 call this table does not know fails the test instead of slipping through unpermitted.
            foreach (var action in S3Operations.TryGetValue(called.Name, out var actions) ? actions : [$"s3:<unmapped {called.Name}>"])
            {
                yield return action;
            }
        }
        else if (owner.StartsWith("Amazon.", StringComparison.Ordinal)
                 && System.Text.RegularExpressions.Regex.IsMatch(owner, @"^Amazon\.\w+\.(IAmazon\w+|Amazon\w+Client)$")
                 && called.Name.EndsWith("Async", StringComparison.Ordinal))
        {
            // Another AWS service: this reader cannot map it, so it fails the test by name.
            yield return $"<unmapped {owner}.{called.Name}>";
        }
        else if (owner.StartsWith("Anthropic.Bedrock.", StringComparison.Ordinal) && called.Name == ".ctor" && owner.EndsWith("Client", StringComparison.Ordinal))
        {
            // The Anthropic adapter is only ever asked for streamed answers (NonStreamingModelCalls checks that).
            yield return "bedrock:InvokeModelWithResponseStream";
        }
    }

    /// <summary>The source method a compiled method belongs to: async and iterator state machines and lambdas fold into it.</summary>
    private static string CallerOf(MethodDefinition method)
    {
        var type = method.DeclaringType;
        var name = SourceName(method.Name) ?? method.Name;
        while (type.IsNested && type.Name.StartsWith('<'))
        {
            // "<SaveMessageAsync>d__12", "<<GetResponseAsync>b__0>d" (an async lambda) or "<>c__DisplayClass4_0"
            // (a closure, which names no method: the inner name found so far stands).
            if (SourceName(type.Name) is { } outer)
            {
                name = outer;
            }

            type = type.DeclaringType;
        }

        return $"{type.FullName}.{name}";
    }

    /// <summary>"GetResponseAsync" from "&lt;GetResponseAsync&gt;b__0" or "&lt;&lt;GetResponseAsync&gt;b__0&gt;d"; null for names the compiler did not derive from a method.</summary>
    private static string? SourceName(string compiled)
    {
        if (!compiled.StartsWith('<'))
        {
            return null;
        }

        var inner = compiled.TrimStart('<');
        var close = inner.IndexOf('>', StringComparison.Ordinal);
        return close > 0 ? inner[..close] : null;
    }
}
