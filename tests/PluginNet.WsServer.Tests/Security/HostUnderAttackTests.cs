using System.Diagnostics;
using System.Net.WebSockets;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;
using Xunit.Abstractions;

namespace PluginNet.WsServer.Tests.Security;

/// <summary>Runs alone: its numbers (frame times, memory, threads) would mean little beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "load";
}

/// <summary>
/// A real engine on its own menu thread, a Lua script serving net.ws_server through the real plugin,
/// and a watcher client that keeps echoing, while 1,000 clients connect or hostile input arrives.
/// The script reports every frame to an application module (<see cref="AttackProbe"/>); the test
/// reports frame times, connect times, memory and threads, and checks nothing is left afterwards.
/// Frame times are reported, not asserted: they depend on how busy the machine is; the frame rate
/// under attack is asserted by the load measure <see cref="HostProcessUnderAttackTests"/>.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class HostUnderAttackTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Wait = Attacks.Wait;

    [Fact]
    public async Task Listen_ThousandConcurrentClients_AllServedWatcherUnaffectedNothingLeftAfter()
    {
        await using var engine = await AttackedEngine.StartAsync();
        var (probe, url, watcher) = (engine.Probe, engine.Url, engine.Watcher);
        Func<int, Task> clientsReached = engine.ClientsReached;
        var idle = await IdleFramesAsync(probe);
        var before = Snapshot.Take();

        // Twice: what the first round leaves in pools is paid once; a leak would grow again in the second.
        var (first, firstFrames, firstPause) = await MeasuredAsync(probe, () => Attacks.ThousandClientsAsync(url, watcher, clientsReached));
        var afterFirst = await Snapshot.SettleAsync(before);
        var (second, secondFrames, secondPause) = await MeasuredAsync(probe, () => Attacks.ThousandClientsAsync(url, watcher, clientsReached));
        var afterSecond = await Snapshot.SettleAsync(before);

        log.WriteLine($"frames at rest: {idle}");
        log.WriteLine($"round 1: {first}; frames meanwhile: {firstFrames}; GC pauses {firstPause.TotalMilliseconds:0} ms");
        log.WriteLine($"round 2: {second}; frames meanwhile: {secondFrames}; GC pauses {secondPause.TotalMilliseconds:0} ms");
        log.WriteLine($"before: {before}");
        log.WriteLine($"after round 1: {afterFirst}");
        log.WriteLine($"after round 2: {afterSecond}");
        afterFirst.AssertNoGrowthSince(before);
        afterSecond.AssertNoGrowthSince(before);
        Assert.True(
            afterSecond.ManagedBytes - afterFirst.ManagedBytes < 2 * 1024 * 1024,
            $"the second round of 1,000 clients left more behind: {afterFirst} then {afterSecond}");
    }

    [Fact]
    public async Task Listen_MalformedInputBarrage_EachRefusedWatcherUnaffectedNothingLeftAfter()
    {
        await using var engine = await AttackedEngine.StartAsync();
        var (probe, url, watcher) = (engine.Probe, engine.Url, engine.Watcher);
        Func<int, Task> clientsReached = engine.ClientsReached;
        var idle = await IdleFramesAsync(probe);
        var before = Snapshot.Take();

        var (barrage, frames, pause) = await MeasuredAsync(probe, () => Attacks.MalformedBarrageAsync(url, watcher, TimeSpan.FromSeconds(2)));
        await clientsReached(1);
        await Attacks.EchoAsync(watcher, "served after the barrage");
        var after = await Snapshot.SettleAsync(before);

        log.WriteLine(barrage.ToString());
        log.WriteLine($"frames at rest: {idle}");
        log.WriteLine($"frames during the barrage: {frames}; GC pauses {pause.TotalMilliseconds:0} ms");
        log.WriteLine($"before: {before}");
        log.WriteLine($"after: {after}");
        after.AssertNoGrowthSince(before);
    }

    /// <summary>Runs an attack and returns its result, the frames meanwhile and this process's GC pauses meanwhile.</summary>
    private static async Task<(T Result, FrameStats Frames, TimeSpan GcPause)> MeasuredAsync<T>(AttackProbe probe, Func<Task<T>> attack)
    {
        var pauseBefore = GC.GetTotalPauseDuration();
        var start = Stopwatch.GetTimestamp();
        var result = await attack();
        return (result, probe.FramesSince(start), GC.GetTotalPauseDuration() - pauseBefore);
    }

    /// <summary>A second of frames with nothing else going on, to compare with.</summary>
    private static async Task<FrameStats> IdleFramesAsync(AttackProbe probe)
    {
        var start = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(1)); // a measurement window, not a wait for something
        return probe.FramesSince(start);
    }

    /// <summary>The attacked script in a real engine, reporting to a probe, with a watcher connected and everything warmed up.</summary>
    private sealed class AttackedEngine : IAsyncDisposable
    {
        private EngineRunner? _runner;

        public AttackProbe Probe { get; } = new();

        public Uri Url { get; private set; } = null!;

        public ClientWebSocket Watcher { get; private set; } = null!;

        public Task ClientsReached(int count) => Probe.WaitForClientsAsync(count, Wait);

        public static async Task<AttackedEngine> StartAsync()
        {
            var engine = new AttackedEngine();
            engine._runner = await EngineRunner.StartAsync([LuaScripts.Write(AttackProbe.Script)], configure: e => e.AddModule(engine.Probe));
            engine.Url = new Uri($"ws://127.0.0.1:{await engine._runner.WaitForPortAsync(Wait)}/");
            engine.Watcher = await TestClients.ConnectAsync(engine.Url);
            await engine.ClientsReached(1);
            await Attacks.WarmUpAsync(engine.Url, engine.Watcher, engine.ClientsReached);
            return engine;
        }

        public async ValueTask DisposeAsync()
        {
            Watcher?.Dispose();
            if (_runner is not null)
            {
                await _runner.DisposeAsync();
            }
        }
    }

    /// <summary>The whole test process (engine, plugin and clients): managed heap, working set, threads.</summary>
    private sealed record Snapshot(long ManagedBytes, long WorkingSetBytes, int Threads)
    {
        // Growth allowed after everything has gone: pools (Kestrel's blocks, array pools) keep some
        // memory, and the thread pool some threads; a leak per client of the 1,000 would pass neither.
        // Threads: a busy machine starves the pool, which then adds threads that retire only after
        // about 20 s idle; 200 is far above that and far below the 1,000 threads a leak per client leaves.
        private const long AllowedManagedGrowth = 8L * 1024 * 1024;
        private const int AllowedThreadGrowth = 200;

        public static Snapshot Take()
        {
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            return TakeWithoutCollecting();
        }

        public static Snapshot TakeWithoutCollecting()
        {
            using var process = Process.GetCurrentProcess();
            return new Snapshot(GC.GetTotalMemory(false), process.WorkingSet64, process.Threads.Count);
        }

        /// <summary>
        /// Takes snapshots until managed memory and threads are back within the allowance of
        /// <paramref name="baseline"/>, for at most ten seconds (idle pool threads retire slowly), and returns the last.
        /// </summary>
        public static async Task<Snapshot> SettleAsync(Snapshot baseline)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var now = Take();
                if (now.WithinAllowance(baseline) || clock.Elapsed > TimeSpan.FromSeconds(10))
                {
                    return now;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        public void AssertNoGrowthSince(Snapshot baseline) =>
            Assert.True(WithinAllowance(baseline), $"grew from {baseline} to {this}");

        public override string ToString() =>
            $"managed heap {ManagedBytes / 1048576.0:0.0} MB, working set {WorkingSetBytes / 1048576.0:0} MB, {Threads} threads";

        private bool WithinAllowance(Snapshot baseline) =>
            ManagedBytes - baseline.ManagedBytes < AllowedManagedGrowth && Threads - baseline.Threads <= AllowedThreadGrowth;
    }
}
