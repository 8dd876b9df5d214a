using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using PluginNet.Core.Transports;
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
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class HostUnderAttackTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Listen_ThousandConcurrentClients_AllServedWatcherUnaffectedNothingLeftAfter()
    {
        var probe = new AttackProbe();
        await using var runner = await EngineRunner.StartAsync([LuaScripts.Write(AttackProbe.Script)], configure: e => e.AddModule(probe));
        var url = await UrlAsync(runner);
        using var watcher = await TestClients.ConnectAsync(url);
        await probe.WaitForClientsAsync(1, Wait);
        await WarmUpAsync(url, watcher, probe);
        var idle = await IdleFramesAsync(probe);
        var before = Snapshot.Take();

        // Twice: what the first round leaves in pools is paid once; a leak would grow again in the second.
        var first = await ThousandClientsAsync(url, watcher, probe);
        var afterFirst = await Snapshot.SettleAsync(before);
        var second = await ThousandClientsAsync(url, watcher, probe);
        var afterSecond = await Snapshot.SettleAsync(before);

        log.WriteLine($"frames at rest: {idle}");
        log.WriteLine($"round 1: {first}");
        log.WriteLine($"round 2: {second}");
        log.WriteLine($"before: {before}");
        log.WriteLine($"with 1,001 clients: {second.During}");
        log.WriteLine($"after round 1: {afterFirst}");
        log.WriteLine($"after round 2: {afterSecond}");
        AssertFramesKeptComing(first.Frames);
        AssertFramesKeptComing(second.Frames);
        afterFirst.AssertNoGrowthSince(before);
        afterSecond.AssertNoGrowthSince(before);
        Assert.True(
            afterSecond.ManagedBytes - afterFirst.ManagedBytes < 2 * 1024 * 1024,
            $"the second round of 1,000 clients left more behind: {afterFirst} then {afterSecond}");
    }

    /// <summary>
    /// 1,000 clients connect (at most 100 handshakes in flight: Kestrel's accept backlog is 512), 30
    /// broadcasts from the watcher reach all 1,001, the watcher's echo works, and all 1,000 close.
    /// </summary>
    private static async Task<RoundStats> ThousandClientsAsync(Uri url, ClientWebSocket watcher, AttackProbe probe)
    {
        const int clients = 1000;
        var pauseBefore = GC.GetTotalPauseDuration();
        var start = Stopwatch.GetTimestamp();
        var sockets = new ClientWebSocket[clients];
        var connectMs = new double[clients];
        using (var inFlight = new SemaphoreSlim(100))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
            {
                await inFlight.WaitAsync();
                try
                {
                    var t = Stopwatch.GetTimestamp();
                    sockets[i] = await TestClients.ConnectAsync(url);
                    connectMs[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                }
                finally
                {
                    inFlight.Release();
                }
            })).WaitAsync(Wait);
        }

        var connected = Stopwatch.GetElapsedTime(start);
        await probe.WaitForClientsAsync(clients + 1, Wait);
        var during = Snapshot.TakeWithoutCollecting();

        // Each client reads into its own small buffer: the test's garbage would otherwise be most of the GC work.
        var buffers = sockets.Select(_ => new byte[64]).ToArray();
        for (var b = 0; b < 30; b++)
        {
            var text = $"broadcast {b} to everyone";
            await watcher.SendTextAsync("bcast:" + text);
            await Task.WhenAll(sockets.Select((s, i) => ExpectSmallTextAsync(s, buffers[i], text))).WaitAsync(Wait);
            Assert.Equal(text, await watcher.ReceiveTextAsync());
        }

        await EchoAsync(watcher, "served beside 1,000 others");
        await Task.WhenAll(sockets.Select(CloseAsync)).WaitAsync(Wait);
        await probe.WaitForClientsAsync(1, Wait);
        await EchoAsync(watcher, "served after they left");
        Array.Sort(connectMs);
        return new RoundStats(connected, connectMs, probe.FramesSince(start), GC.GetTotalPauseDuration() - pauseBefore, during);
    }

    private sealed record RoundStats(TimeSpan Connected, double[] SortedConnectMs, FrameStats Frames, TimeSpan GcPause, Snapshot During)
    {
        public override string ToString() =>
            $"1,000 clients connected in {Connected.TotalSeconds:0.00} s, one handshake p50 {SortedConnectMs[499]:0.0} ms, p99 {SortedConnectMs[989]:0.0} ms, " +
            $"max {SortedConnectMs[^1]:0.0} ms; 30 broadcasts to 1,001, closed; frames meanwhile: {Frames}; GC pauses {GcPause.TotalMilliseconds:0} ms";
    }

    [Fact]
    public async Task Listen_MalformedInputBarrage_EachRefusedWatcherUnaffectedNothingLeftAfter()
    {
        // Rounds for at least two seconds of frames (at most 200 rounds).
        var window = TimeSpan.FromSeconds(2);
        var probe = new AttackProbe();
        await using var runner = await EngineRunner.StartAsync([LuaScripts.Write(AttackProbe.Script)], configure: e => e.AddModule(probe));
        var url = await UrlAsync(runner);
        using var watcher = await TestClients.ConnectAsync(url);
        await probe.WaitForClientsAsync(1, Wait);
        await WarmUpAsync(url, watcher, probe);
        var idle = await IdleFramesAsync(probe);
        var before = Snapshot.Take();
        var pauseBefore = GC.GetTotalPauseDuration();
        var start = Stopwatch.GetTimestamp();

        // The watcher echoes all along; every round sends each hostile case at once, and one
        // client streams a 65 MB message throughout.
        using var stop = new CancellationTokenSource();
        var echoes = EchoLoopAsync(watcher, stop.Token);
        var huge = OversizedMessageAsync(url.Port);
        var attacks = 0;
        var rounds = 0;
        for (; rounds < 200 && (rounds == 0 || Stopwatch.GetElapsedTime(start) < window); rounds++)
        {
            var cases = HostileCases(url.Port).ToList();
            await Task.WhenAll(cases.Select(c => c())).WaitAsync(Wait);
            attacks += cases.Count;
        }

        Assert.Equal(WebSocketLimits.MessageTooBig, await huge.WaitAsync(Wait));
        await stop.CancelAsync();
        var (roundTrips, slowestEcho) = await echoes.WaitAsync(Wait);
        var frames = probe.FramesSince(start);
        await probe.WaitForClientsAsync(1, Wait);
        await EchoAsync(watcher, "served after the barrage");
        var after = await Snapshot.SettleAsync(before);

        log.WriteLine($"{attacks + 1} hostile connections ({rounds} rounds of {attacks / rounds} cases, plus one 65 MB message) in {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s");
        log.WriteLine($"watcher: {roundTrips} echo round trips through Lua meanwhile, slowest {slowestEcho:0.0} ms");
        log.WriteLine($"frames at rest: {idle}");
        log.WriteLine($"frames during the barrage: {frames}; GC pauses {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:0} ms");
        log.WriteLine($"before: {before}");
        log.WriteLine($"after: {after}");
        Assert.True(roundTrips > 0, "the watcher got no echo during the barrage");
        AssertFramesKeptComing(frames);
        after.AssertNoGrowthSince(before);
    }

    /// <summary>A second of frames with nothing else going on, to compare with.</summary>
    private static async Task<FrameStats> IdleFramesAsync(AttackProbe probe)
    {
        var start = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(1)); // a measurement window, not a wait for something
        return probe.FramesSince(start);
    }

    /// <summary>
    /// Frames kept coming at about the frame rate, with no long stall. The 20 ms p99 of the issue is
    /// reported, not asserted: on a loaded two-core CI machine the test's own clients compete with
    /// the menu thread for the same cores.
    /// </summary>
    private static void AssertFramesKeptComing(FrameStats frames)
    {
        Assert.True(frames.Frames >= frames.Seconds * 60 * 0.5, $"too few frames: {frames}");
        Assert.True(frames.Max < 1000, $"a frame waited over a second: {frames}");
    }

    /// <summary>
    /// One of each hostile input, each checked for the answer it must get: a status for a bad
    /// handshake, a close code for a bad frame, or nothing at all for a client that vanishes.
    /// </summary>
    private static IEnumerable<Func<Task>> HostileCases(int port)
    {
        (Dictionary<string, string?> Headers, int Status)[] handshakes =
        [
            (new() { ["Sec-WebSocket-Key"] = null }, 400),
            (new() { ["Sec-WebSocket-Key"] = "not base64!" }, 400),
            (new() { ["Sec-WebSocket-Version"] = "8" }, 426),
            (new() { ["Origin"] = "https://evil.example" }, 403),
            (new() { ["X-Big"] = new string('a', 40 * 1024) }, 431),
        ];
        foreach (var (headers, status) in handshakes)
        {
            yield return async () =>
            {
                using var hostile = await HostileClient.ConnectAsync(port);
                await hostile.SendTextAsync(HostileClient.Handshake(port, headers));
                Assert.Equal(status, (await hostile.ReadResponseHeadAsync()).Status);
            };
        }

        yield return async () =>
        {
            using var hostile = await HostileClient.ConnectAsync(port);
            await hostile.SendAsync(Enumerable.Range(0, 256).Select(i => (byte)(i * 37)).Concat("\r\n\r\n"u8.ToArray()).ToArray());
            Assert.Equal(400, (await hostile.ReadResponseHeadAsync()).Status);
        };

        foreach (var (what, frames, code) in FrameAttackTests.Violations().Select(row => ((string)row[0], (byte[][])row[1], (int)row[2])))
        {
            yield return async () =>
            {
                using var hostile = await HostileClient.OpenAsync(port);
                await hostile.SendAsync(frames.SelectMany(f => f).ToArray());
                try
                {
                    Assert.Equal(code, await hostile.ReadCloseCodeAsync());
                }
                catch (IOException ex)
                {
                    throw new IOException($"{what}: {ex.Message}", ex);
                }
            };
        }

        yield return async () =>
        {
            var hostile = await HostileClient.OpenAsync(port);
            var frame = HostileClient.Frame(0x81, new byte[1000]);
            await hostile.SendAsync(frame.AsMemory(0, 20));
            hostile.Reset();
        };

        yield return async () =>
        {
            var hostile = await HostileClient.ConnectAsync(port);
            await hostile.SendTextAsync(HostileClient.Handshake(port)[..40]);
            hostile.Reset();
        };
    }

    /// <summary>Streams one 65 MB binary message 1 MB at a time; returns the close code the server sent.</summary>
    private static async Task<int> OversizedMessageAsync(int port)
    {
        using var hostile = await HostileClient.OpenAsync(port);
        using var stop = new CancellationTokenSource();
        var streaming = Task.Run(async () =>
        {
            var chunk = new byte[1024 * 1024];
            try
            {
                await hostile.SendAsync(HostileClient.FrameHeader(0x82, 65L * 1024 * 1024));
                for (var i = 0; i < 65 && !stop.IsCancellationRequested; i++)
                {
                    await hostile.SendAsync(chunk);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // The server closed with 1009 and stopped reading.
            }
        });
        var code = await hostile.ReadCloseCodeAsync();
        await stop.CancelAsync();
        await streaming.WaitAsync(Wait);
        return code;
    }

    /// <summary>Echo round trips through the script until stopped: how many, and the slowest (ms).</summary>
    private static async Task<(int RoundTrips, double SlowestMs)> EchoLoopAsync(ClientWebSocket watcher, CancellationToken stop)
    {
        var count = 0;
        var slowest = 0.0;
        while (!stop.IsCancellationRequested)
        {
            var t = Stopwatch.GetTimestamp();
            await EchoAsync(watcher, $"echo {count}");
            slowest = Math.Max(slowest, Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            count++;
        }

        return (count, slowest);
    }

    private static async Task ExpectSmallTextAsync(ClientWebSocket socket, byte[] buffer, string expected)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        var result = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
        Assert.True(result.EndOfMessage && result.MessageType == WebSocketMessageType.Text);
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    private static async Task EchoAsync(ClientWebSocket watcher, string text)
    {
        await watcher.SendTextAsync("echo:" + text);
        Assert.Equal(text, await watcher.ReceiveTextAsync());
    }

    private static async Task CloseAsync(ClientWebSocket socket)
    {
        using (socket)
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Event);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
    }

    /// <summary>JIT and first-use allocations out of the way before the baseline: a few clients come and go.</summary>
    private static async Task WarmUpAsync(Uri url, ClientWebSocket watcher, AttackProbe probe)
    {
        var sockets = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => TestClients.ConnectAsync(url)));
        await probe.WaitForClientsAsync(21, Wait);
        await watcher.SendTextAsync("bcast:warm");
        await Task.WhenAll(sockets.Append(watcher).Select(async s => Assert.Equal("warm", await s.ReceiveTextAsync())));
        await Task.WhenAll(sockets.Select(CloseAsync));
        await probe.WaitForClientsAsync(1, Wait);
        await Task.WhenAll(HostileCases(url.Port).Select(c => c()));
        await EchoAsync(watcher, "warm");
    }

    private static async Task<Uri> UrlAsync(EngineRunner runner)
    {
        var line = await runner.Output.WaitForPrintAsync(p => p.StartsWith("port=", StringComparison.Ordinal), Wait);
        return new Uri($"ws://127.0.0.1:{int.Parse(line["port=".Length..], CultureInfo.InvariantCulture)}/");
    }

    /// <summary>The whole test process (engine, plugin and clients): managed heap, working set, threads.</summary>
    private sealed record Snapshot(long ManagedBytes, long WorkingSetBytes, int Threads)
    {
        // Growth allowed after everything has gone: pools (Kestrel's blocks, array pools) keep some
        // memory, and the thread pool some threads; a leak per client of the 1,000 would pass both.
        private const long AllowedManagedGrowth = 8L * 1024 * 1024;
        private const int AllowedThreadGrowth = 32;

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
