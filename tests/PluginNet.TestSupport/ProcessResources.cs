using System.Diagnostics;

namespace PluginNet.TestSupport;

/// <summary>
/// What this test process holds, measured after full collections: managed heap, threads (the
/// process's and the thread pool's) and open file descriptors. Leak tests compare two of these.
/// </summary>
/// <param name="ManagedBytes">Live managed bytes (<see cref="GC.GetTotalMemory(bool)"/>).</param>
/// <param name="HeapBytes">The GC heap's size (<see cref="GCMemoryInfo.HeapSizeBytes"/>).</param>
/// <param name="Threads">The process's threads.</param>
/// <param name="PoolThreads">The thread pool's threads.</param>
/// <param name="Fds">Open file descriptors (sockets included; 0 where /proc/self/fd does not exist).</param>
public sealed record ProcessResources(long ManagedBytes, long HeapBytes, int Threads, int PoolThreads, int Fds)
{
    /// <summary>
    /// How many threads a leak test lets a run add. A busy machine starves the thread pool, which then
    /// adds threads (about two a second) that retire only after about 20 s idle: a run of several
    /// seconds on a loaded machine can end with a few dozen more, although nothing leaked. Every leak
    /// test runs its action at least 90 times after its baseline, so a thread leaked per action adds
    /// more than this.
    /// </summary>
    public const int ThreadGrowthAllowance = 64;

    /// <summary>Collects (three rounds, finalizers included) and measures.</summary>
    public static ProcessResources Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        var fds = Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : 0;
        return new ProcessResources(
            GC.GetTotalMemory(forceFullCollection: true), GC.GetGCMemoryInfo().HeapSizeBytes, process.Threads.Count, ThreadPool.ThreadCount, fds);
    }

    /// <summary>True when the process and the pool have at most <see cref="ThreadGrowthAllowance"/> more threads than at <paramref name="baseline"/>.</summary>
    public bool ThreadsFlatSince(ProcessResources baseline) =>
        Threads <= baseline.Threads + ThreadGrowthAllowance && PoolThreads <= baseline.PoolThreads + ThreadGrowthAllowance;

    /// <inheritdoc />
    public override string ToString() =>
        $"managed {ManagedBytes / 1048576.0:0.0} MB, heap {HeapBytes / 1048576.0:0.0} MB, threads {Threads} (pool {PoolThreads}), fds {Fds}";
}
