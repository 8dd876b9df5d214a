using System.Diagnostics;
using System.Net.WebSockets;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Security;

/// <summary>
/// The attacks on a script's server that echoes ("echo:X") and broadcasts ("bcast:X"),
/// shared by the in-process and the out-of-process load tests. Every one checks the answer it must get.
/// </summary>
internal static class Attacks
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// 1,000 clients on raw sockets (cheap for the attacker, as a hostile program's would be) complete
    /// the handshake (at most 100 in flight: Kestrel's accept backlog is 512), 30 broadcasts from the
    /// watcher reach all 1,001, the watcher's echo works, and all 1,000 close with 1000 (the server
    /// answers each close frame). <paramref name="clientsReached"/> completes when the script has seen that many clients.
    /// </summary>
    public static async Task<ConnectStats> ThousandClientsAsync(Uri url, ClientWebSocket watcher, Func<int, Task> clientsReached)
    {
        const int clients = 1000;
        var start = Stopwatch.GetTimestamp();
        var sockets = new RawWebSocket[clients];
        var connectMs = new double[clients];
        using (var inFlight = new SemaphoreSlim(100))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
            {
                await inFlight.WaitAsync();
                try
                {
                    var t = Stopwatch.GetTimestamp();
                    sockets[i] = await RawWebSocket.OpenAsync(url.Port);
                    connectMs[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                }
                finally
                {
                    inFlight.Release();
                }
            })).WaitAsync(Wait);
        }

        var connected = Stopwatch.GetElapsedTime(start);
        await clientsReached(clients + 1);

        for (var b = 0; b < 30; b++)
        {
            var text = $"broadcast {b} to everyone";
            await watcher.SendTextAsync("bcast:" + text);
            await Task.WhenAll(sockets.Select(async s => Assert.Equal((0x1, text), await s.ReadTextFrameAsync()))).WaitAsync(Wait);
            Assert.Equal(text, await watcher.ReceiveTextAsync());
        }

        await EchoAsync(watcher, "served beside 1,000 others");
        await Task.WhenAll(sockets.Select(CloseNormallyAsync)).WaitAsync(Wait);
        await clientsReached(1);
        await EchoAsync(watcher, "served after they left");
        Array.Sort(connectMs);
        return new ConnectStats(connected, connectMs);
    }

    /// <summary>
    /// Rounds of every hostile case at once for at least <paramref name="window"/> (at most 200
    /// rounds), while one client streams a 65 MB message (closed with 1009) and the watcher echoes
    /// all along. Returns how many hostile connections were made and the watcher's echoes.
    /// </summary>
    public static async Task<BarrageStats> MalformedBarrageAsync(Uri url, ClientWebSocket watcher, TimeSpan window)
    {
        var start = Stopwatch.GetTimestamp();
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

        Assert.Equal(Documented.MessageTooBig, await huge.WaitAsync(Wait));
        await stop.CancelAsync();
        var (roundTrips, slowestEcho) = await echoes.WaitAsync(Wait);
        Assert.True(roundTrips > 0, "the watcher got no echo during the barrage");
        return new BarrageStats(attacks + 1, rounds, Stopwatch.GetElapsedTime(start), roundTrips, slowestEcho);
    }

    /// <summary>
    /// One of each hostile input, each checked for the answer it must get: a status for a bad
    /// handshake, a close code for a bad frame, or nothing at all for a client that vanishes.
    /// </summary>
    public static IEnumerable<Func<Task>> HostileCases(int port)
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
                using var hostile = await RawWebSocket.ConnectAsync(port);
                await hostile.SendTextAsync(RawWebSocket.HandshakeRequest(port, headers));
                Assert.Equal(status, (await hostile.ReadResponseHeadAsync()).Status);
            };
        }

        yield return async () =>
        {
            using var hostile = await RawWebSocket.ConnectAsync(port);
            await hostile.SendAsync(Enumerable.Range(0, 256).Select(i => (byte)(i * 37)).Concat("\r\n\r\n"u8.ToArray()).ToArray());
            Assert.Equal(400, (await hostile.ReadResponseHeadAsync()).Status);
        };

        foreach (var (what, frames, code) in FrameAttackTests.Violations().Select(row => ((string)row[0], (byte[][])row[1], (int)row[2])))
        {
            yield return async () =>
            {
                using var hostile = await RawWebSocket.OpenAsync(port);
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
            var hostile = await RawWebSocket.OpenAsync(port);
            var frame = RawWebSocket.Frame(0x81, new byte[1000]);
            await hostile.SendAsync(frame.AsMemory(0, 20));
            hostile.Reset();
        };

        yield return async () =>
        {
            var hostile = await RawWebSocket.ConnectAsync(port);
            await hostile.SendTextAsync(RawWebSocket.HandshakeRequest(port)[..40]);
            hostile.Reset();
        };
    }

    /// <summary>JIT and first-use allocations out of the way before a baseline: a few clients come and go, one of each hostile case.</summary>
    public static async Task WarmUpAsync(Uri url, ClientWebSocket watcher, Func<int, Task> clientsReached)
    {
        var sockets = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => TestClients.ConnectAsync(url)));
        await clientsReached(21);
        await watcher.SendTextAsync("bcast:warm");
        await Task.WhenAll(sockets.Append(watcher).Select(async s => Assert.Equal("warm", await s.ReceiveTextAsync())));
        await Task.WhenAll(sockets.Select(CloseAsync));
        await clientsReached(1);
        await Task.WhenAll(HostileCases(url.Port).Select(c => c()));
        await EchoAsync(watcher, "warm");
    }

    public static async Task EchoAsync(ClientWebSocket watcher, string text)
    {
        await watcher.SendTextAsync("echo:" + text);
        Assert.Equal(text, await watcher.ReceiveTextAsync());
    }

    /// <summary>Streams one 65 MB binary message 1 MB at a time; returns the close code the server sent.</summary>
    private static async Task<int> OversizedMessageAsync(int port)
    {
        using var hostile = await RawWebSocket.OpenAsync(port);
        using var stop = new CancellationTokenSource();
        var streaming = Task.Run(async () =>
        {
            var chunk = new byte[1024 * 1024];
            try
            {
                await hostile.SendAsync(RawWebSocket.FrameHeader(0x82, 65L * 1024 * 1024));
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

    /// <summary>Sends a close frame (1000) and reads the server's answer, which must be 1000 too.</summary>
    private static async Task CloseNormallyAsync(RawWebSocket client)
    {
        using (client)
        {
            await client.SendAsync(RawWebSocket.Frame(0x88, [0x03, 0xE8]));
            Assert.Equal(1000, await client.ReadCloseCodeAsync());
        }
    }

    private static async Task CloseAsync(ClientWebSocket socket)
    {
        using (socket)
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Event);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
    }
}

/// <summary>How 1,000 clients got connected: the whole time and each handshake's (sorted, ms).</summary>
internal sealed record ConnectStats(TimeSpan Connected, double[] SortedConnectMs)
{
    public override string ToString() =>
        $"1,000 clients connected in {Connected.TotalSeconds:0.00} s, one handshake p50 {SortedConnectMs[499]:0.0} ms, p99 {SortedConnectMs[989]:0.0} ms, " +
        $"max {SortedConnectMs[^1]:0.0} ms; 30 broadcasts to 1,001, closed";
}

/// <summary>What a malformed-input barrage did: hostile connections, rounds, time, and the watcher's echoes meanwhile.</summary>
internal sealed record BarrageStats(int HostileConnections, int Rounds, TimeSpan Took, int EchoRoundTrips, double SlowestEchoMs)
{
    public override string ToString() =>
        $"{HostileConnections} hostile connections ({Rounds} rounds, plus one 65 MB message) in {Took.TotalSeconds:0.0} s; " +
        $"watcher: {EchoRoundTrips} echo round trips through Lua meanwhile, slowest {SlowestEchoMs:0.0} ms";
}
