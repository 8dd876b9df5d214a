using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Usage: bench/run.sh micro [BenchmarkDotNet arguments, e.g. --filter '*Dispatcher*'] [--smoke]
// In-process toolchain: BenchmarkDotNet does not generate and build a second project (which would
// inherit this repository's central package management and strict build settings).
var smoke = args.Contains("--smoke");
var job = (smoke ? Job.Dry : Job.Default.WithWarmupCount(3).WithIterationCount(10))
    .WithToolchain(InProcessEmitToolchain.Instance);
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
var rest = args.Where(a => a != "--smoke").ToArray();
if (!rest.Contains("--filter"))
{
    rest = [.. rest, "--filter", "*"];
}

BenchmarkSwitcher.FromAssembly(typeof(PluginNet.MicroBench.DispatcherBenchmarks).Assembly).Run(rest, config);
