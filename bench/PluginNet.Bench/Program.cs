using PluginNet.Bench;

// Usage: dotnet run --project bench/PluginNet.Bench -c Release -- [http-latency|save-to-file|all] [--smoke]
var scenario = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var smoke = args.Contains("--smoke");
Console.WriteLine($"PluginNet bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

if (scenario is "http-latency" or "all")
{
    await HttpLatency.RunAsync(smoke ? 50 : 1000);
}

if (scenario is "save-to-file" or "all")
{
    await SaveToFileMemory.RunAsync(smoke ? 5 : 50);
}

return 0;
