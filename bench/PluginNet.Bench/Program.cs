using PluginNet.Bench.Infrastructure;
using PluginNet.Bench.Jobs;
using PluginNet.Bench.Peers;

// Usage: dotnet run --project bench/PluginNet.Bench -c Release -- [JOB ...|all] [--runs N] [--smoke] [--ours-only] [--alloc-profile]
// (bench/run.sh installs the Node peers and builds first). See docs/BENCHMARKS.md.
if (args.Length > 0 && args[0] == "serve-http")
{
    return await HttpServerPeer.RunAsync();
}

var jobs = new (string Name, Func<BenchSettings, ResultTable, Task> Run)[]
{
    ("ws-echo", WsEchoRate.RunAsync),
    ("ws-stream", WsEchoStream.RunAsync),
    ("footprint", Footprint.RunAsync),
    ("connect-storm", ConnectStorm.RunAsync),
    ("ws-broadcast", WsBroadcast.RunAsync),
    ("http-throughput", HttpThroughput.RunAsync),
    ("event-latency", EventLatency.RunAsync),
    ("flood", FloodBudget.RunAsync),
    ("cold-start", ColdStart.RunAsync),
    ("http-latency", (s, _) => HttpLatency.RunAsync(s.Count(1000, 50))),
    ("save-to-file", (s, _) => SaveToFileMemory.RunAsync(s.Count(50, 5))),
    ("tasks", TaskCost.RunAsync),
    ("inspector", InspectorCost.RunAsync),
};

var smoke = args.Contains("--smoke");
var runsAt = Array.IndexOf(args, "--runs");
var runs = runsAt >= 0 && runsAt + 1 < args.Length ? int.Parse(args[runsAt + 1], System.Globalization.CultureInfo.InvariantCulture) : smoke ? 1 : 5;
var named = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (runsAt < 0 || i != runsAt + 1)).ToList();
if (named.Count == 0 || named.Contains("all"))
{
    named = [.. jobs.Select(j => j.Name)];
}

var unknown = named.Except(jobs.Select(j => j.Name)).ToList();
if (unknown.Count > 0)
{
    await Console.Error.WriteLineAsync($"unknown job(s): {string.Join(", ", unknown)}; jobs: {string.Join(", ", jobs.Select(j => j.Name))}, all");
    return 2;
}

var settings = new BenchSettings(runs, smoke, args.Contains("--ours-only"));
var results = new ResultTable();
Console.WriteLine($"PluginNet bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {runs} run(s) per measure{(smoke ? " (smoke run: counts cut down, figures meaningless)" : "")}");
using var sampler = args.Contains("--alloc-profile") ? new AllocationSampler() : null;
foreach (var (name, run) in jobs.Where(j => named.Contains(j.Name)))
{
    // Other work on the machine shows in every timing; the load average says how much there was.
    if (File.Exists("/proc/loadavg"))
    {
        Console.WriteLine($"[{name}] load average: {(await File.ReadAllTextAsync("/proc/loadavg")).Trim()}");
    }

    await run(settings, results);
    sampler?.Report(name);
}

Console.WriteLine();
Console.WriteLine(results.ToMarkdown());
return 0;
