using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace LearningNavigator.Cli.Load;

/// <summary>
/// `stream-cost`: CPU time and allocations per streamed token for a short and a long answer, through the real
/// rendering path (the web app in-process, one Blazor circuit, the paced fake model). A cost that grows with the
/// answer's length (re-rendering or re-parsing everything per token) shows as a ratio above the length ratio.
/// </summary>
public static class StreamCostCommand
{
    public static Command Create(IReadOnlyDictionary<string, string?> settings)
    {
        var tokens = new Option<string>("--tokens") { Description = "Answer lengths in tokens, comma-separated.", DefaultValueFactory = _ => "1000,4000" };
        var repeat = new Option<int>("--repeat") { Description = "Answers measured per length (after one warm-up).", DefaultValueFactory = _ => 3 };
        var delay = new Option<string>("--token-delay") { Description = "Pause between tokens, long enough that each token is its own render.", DefaultValueFactory = _ => "2ms" };
        var command = new Command("stream-cost", "Print CPU time and allocations per token for answers of different lengths, streamed through a Blazor circuit.")
        {
            tokens, repeat, delay,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var lengths = parse.GetValue(tokens)!.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();
            if (lengths.Any(n => n is < 10 or > 20_000) || parse.GetValue(repeat) is < 1 or > 20 || !LoadCommand.TryParseDuration(parse.GetValue(delay)!, out var pause))
            {
                Console.Error.WriteLine("--tokens takes lengths 10-20000, --repeat 1-20, --token-delay e.g. 2ms.");
                return 2;
            }

            var rows = new List<(int Tokens, double CpuMs, double AllocMb, int Batches)>();
            foreach (var length in lengths)
            {
                var data = Directory.CreateTempSubdirectory("ln-stream-cost-");
                var all = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase)
                {
                    ["Generation:Provider"] = "Paced",
                    ["Generation:Paced:Tokens"] = length.ToString(CultureInfo.InvariantCulture),
                    ["Generation:Paced:TokenDelay"] = pause.ToString("c", CultureInfo.InvariantCulture),
                    // Embeddings are not what is measured; BM25 keeps start-up short.
                    ["Retrieval:Local:Mode"] = "Bm25",
                };
                using var host = new LoadHost(data.FullName, all);
                var baseAddress = host.Start();
                await host.CreateAccountsAsync(1, cancellationToken);
                var driver = new CircuitLoadDriver(baseAddress, i => $"load-{i}@example.org", LoadHost.Password);
                await using var user = await driver.ConnectAsync(1, cancellationToken);
                var process = Process.GetCurrentProcess();
                for (var i = 0; i <= parse.GetValue(repeat); i++)
                {
                    GC.Collect();
                    process.Refresh();
                    var cpu = process.TotalProcessorTime;
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    var timing = new AnswerTiming();
                    await user.AskAsync($"How do I schedule a course? ({i})", timing, cancellationToken);
                    process.Refresh();
                    var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
                    var allocMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / 1024.0;
                    if (!timing.Completed)
                    {
                        Console.Error.WriteLine($"answer {i} of {length} tokens did not complete: {timing.Error}");
                        return 1;
                    }

                    if (i > 0)
                    {
                        rows.Add((length, cpuMs, allocMb, timing.Tokens));
                    }
                }
            }

            Console.WriteLine("| answer tokens | render batches seen | CPU ms per answer | CPU µs per token | MB allocated per answer | KB per token |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
            foreach (var group in rows.GroupBy(r => r.Tokens))
            {
                var cpu = group.Average(r => r.CpuMs);
                var alloc = group.Average(r => r.AllocMb);
                Console.WriteLine($"| {group.Key} | {group.Average(r => r.Batches):F0} | {cpu:F0} | {cpu * 1000 / group.Key:F1} | {alloc:F1} | {alloc * 1024 / group.Key:F2} |");
            }

            if (lengths.Count == 2)
            {
                var (shortOne, longOne) = (rows.Where(r => r.Tokens == lengths[0]).ToList(), rows.Where(r => r.Tokens == lengths[1]).ToList());
                Console.WriteLine();
                Console.WriteLine($"{lengths[1]}-token answer / {lengths[0]}-token answer: CPU x{longOne.Average(r => r.CpuMs) / shortOne.Average(r => r.CpuMs):F2}, allocations x{longOne.Average(r => r.AllocMb) / shortOne.Average(r => r.AllocMb):F2} (length x{(double)lengths[1] / lengths[0]:F1})");
            }

            return 0;
        });
        return command;
    }
}
