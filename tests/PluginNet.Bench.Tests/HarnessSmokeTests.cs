using System.Diagnostics;
using PluginNet.TestSupport;

namespace PluginNet.Bench.Tests;

/// <summary>
/// The harness still builds and runs: a smoke run (counts cut down, one run) of the jobs that need no
/// Node.js peers, and a BenchmarkDotNet dry run. Figures are printed, never checked.
/// </summary>
public class HarnessSmokeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Bench_SmokeRunOfTheJobsWithoutNodePeers_ExitsZeroWithTheResultsTable()
    {
        var (exit, output) = await RunAsync("PluginNet.Bench", ["flood", "cold-start", "http-latency", "--smoke"]);

        Assert.True(exit == 0, output);
        Assert.Contains("| measure | PluginNet | peer | ratio | target | met |", output, StringComparison.Ordinal);
        Assert.Contains("all delivered in order: yes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MicroBench_DryRun_ExitsZero()
    {
        var (exit, output) = await RunAsync("PluginNet.MicroBench", ["--smoke"]);

        Assert.True(exit == 0, output);
        Assert.Contains("WsMessage_ToOnMessage", output, StringComparison.Ordinal);
    }

    // Runs bench/NAME/bin/CONFIGURATION/net10.0/NAME.dll, the configuration this test was built in.
    private static async Task<(int Exit, string Output)> RunAsync(string name, string[] args)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var (framework, configuration) = (here.Name, here.Parent!.Name);
        var dll = Path.Combine(RepoPaths.Root, "bench", name, "bin", configuration, framework, name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = LuaScripts.NewFolder(), // BenchmarkDotNet writes its reports here
        };
        start.ArgumentList.Add(dll);
        Array.ForEach(args, start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} did not finish within {Limit.TotalMinutes} minutes");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
