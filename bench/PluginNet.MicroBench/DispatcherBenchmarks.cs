using BenchmarkDotNet.Attributes;
using PluginNet.Core.Resources;
using PluginNet.Core.Threading;

namespace PluginNet.MicroBench;

/// <summary>
/// The menu-thread dispatcher alone: one completion posted and run, per operation (batches of 1,000,
/// as a burst of network events would arrive), with a cached delegate and with a capturing closure
/// (what the binders post).
/// </summary>
public class DispatcherBenchmarks
{
    private const int Batch = 1000;
    private readonly MenuThreadDispatcher _dispatcher = new();
    private readonly ScriptScope _scope = new("/bench.lua");
    private readonly Action _cached;
    private long _sum;

    public DispatcherBenchmarks() => _cached = () => _sum++;

    [Benchmark(OperationsPerInvoke = Batch, Baseline = true)]
    public long PostAndRun_CachedDelegate()
    {
        for (var i = 0; i < Batch; i++)
        {
            _dispatcher.Post(_scope, _cached);
        }

        _dispatcher.RunPending(Timeout.InfiniteTimeSpan);
        return _sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long PostAndRun_Closure()
    {
        for (var i = 0; i < Batch; i++)
        {
            var value = i;
            _dispatcher.Post(_scope, () => _sum += value);
        }

        _dispatcher.RunPending(Timeout.InfiniteTimeSpan);
        return _sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long PostAndRun_Budgeted()
    {
        for (var i = 0; i < Batch; i++)
        {
            _dispatcher.Post(_scope, _cached);
        }

        while (_dispatcher.RunPending(TimeSpan.FromMilliseconds(4)).Remaining > 0)
        {
        }

        return _sum;
    }

    [GlobalCleanup]
    public void Cleanup() => _dispatcher.Dispose();
}
