using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;
using Xunit.Abstractions;

namespace PluginNet.WsServer.Tests.Security;

/// <summary>
/// The host's frame time under attack, where a game would see it: the real <c>pluginnet run</c> in a
/// process of its own (as a game is), the attacking clients in this one. The script times its own
/// frames with <c>frame_update</c>'s measured <c>dt</c>. Run alone, it is the measurement of the
/// issue's frame-time p99 under attack (see docs/SECURITY.md). A load measure: it runs in
/// <c>bench/run.sh load</c>, not in the normal test command (a busy machine takes the cores the menu
/// thread wakes up on, and frames come late although nothing regressed).
/// </summary>
[Collection(LoadCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Load)]
public sealed class HostProcessUnderAttackTests(ITestOutputHelper log)
{
    // Reported, not asserted: a timing target is a benchmark's claim, and on a two-core CI machine
    // the attack itself (and other test assemblies) take the cores the menu thread wakes up on.
    private const double TargetP99Ms = 20;

    // Asserted: a frame this late means the menu thread was blocked, not merely kept waiting for a core.
    private const double StallMs = 250;

    // About 350 frames in all, so that one run's p99 is its fourth or fifth longest frame rather than
    // its second: a p99 from 200 frames scatters by more than a millisecond from run to run.
    private const int ClientRounds = 4;
    private const int Barrages = 2;

    /// <summary>
    /// The attacked server, printing its client count after every open and close, and recording
    /// every frame's dt (ms) between "measure:" and "frames:" (the answer).
    /// </summary>
    private static readonly string Script = AttackedServerScript.Build(
        reportClients: """print("clients=" .. srv:client_count())""",
        onFrame: "if measuring then dts[#dts + 1] = e.dt * 1000 end",
        locals: "local dts, measuring = {}, false",
        moreOps: """
            elseif op == "measure" then dts, measuring = {}, true; srv:send(c, "measuring")
            elseif op == "frames" then measuring = false; srv:send(c, json.encode(dts))
            """);

    /// <summary>
    /// The GC settings the attack runs under, by the environment variables each sets for the host (they
    /// take precedence over pluginnet.runtimeconfig.json): as shipped, and the ones that cost less memory.
    /// </summary>
    public static TheoryData<string> GcSettings => ["as shipped", "DOTNET_gcServer=0", "DOTNET_GCDynamicAdaptationMode=1", "DOTNET_GCConserveMemory=5", "DOTNET_GCHeapCount=1"];

    [Theory]
    [MemberData(nameof(GcSettings))]
    public async Task Run_ThousandClientsAndMalformedBarrage_FramesKeepTheirRate(string gcSetting)
    {
        var environment = gcSetting.Split('=') is [var name, var value] ? new Dictionary<string, string> { [name] = value } : null;
        await using var host = PluginNetProcess.Start([LuaScripts.Write(Script, "attacked.lua")], environment, console: true);
        var port = await host.WaitForLineAsync(l => l.StartsWith("port=", StringComparison.Ordinal), Attacks.Wait);
        var url = new Uri($"ws://127.0.0.1:{int.Parse(port["port=".Length..], CultureInfo.InvariantCulture)}/");
        using var watcher = await TestClients.ConnectAsync(url);
        var clients = new ClientCount(host);
        await clients.ReachedAsync(1);
        await Attacks.WarmUpAsync(url, watcher, clients.ReachedAsync);
        var idle = await IdleFramesAsync(watcher);

        log.WriteLine($"frames at rest: {idle}");
        var windows = new List<FrameStats>();
        for (var round = 1; round <= ClientRounds; round++)
        {
            var (result, roundFrames, cpu) = await MeasuredAsync(host, watcher, () => Attacks.ThousandClientsAsync(url, watcher, clients.ReachedAsync));
            log.WriteLine($"round {round}: {result}; host frames meanwhile: {roundFrames}; {cpu}");
            windows.Add(roundFrames);
        }

        for (var barrage = 1; barrage <= Barrages; barrage++)
        {
            var (result, barrageFrames, cpu) = await MeasuredAsync(host, watcher, () => Attacks.MalformedBarrageAsync(url, watcher, TimeSpan.FromSeconds(2)));
            log.WriteLine($"barrage {barrage}: {result}; host frames meanwhile: {barrageFrames}; {cpu}");
            windows.Add(barrageFrames);
        }

        var frames = FrameStats.Combine([.. windows]);
        log.WriteLine($"GC {gcSetting}: the host's frames through all the attacks: {frames} (the issue's target: p99 under {TargetP99Ms} ms); " +
            $"{frames.LongerThan(TargetP99Ms)} of {frames.Intervals.Length} intervals over {TargetP99Ms} ms; host peak RSS {PeakRssMegabytes(host.Process.Id)}");
        Assert.True(frames.Frames >= frames.Seconds * 60 * 0.9, $"frames were skipped: {frames}");
        Assert.True(frames.Max < StallMs, $"a frame stalled: {frames}");
    }

    private static string PeakRssMegabytes(int processId) =>
        File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line
            ? $"{double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024:0.0} MB"
            : "unknown";

    /// <summary>Runs one attack between "measure:" and "frames:", and reads both processes' CPU time meanwhile.</summary>
    private static async Task<(T Result, FrameStats Frames, string Cpu)> MeasuredAsync<T>(PluginNetProcess host, ClientWebSocket watcher, Func<Task<T>> attack)
    {
        host.Process.Refresh();
        var hostCpu = host.Process.TotalProcessorTime;
        var ownCpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        await StartMeasuringAsync(watcher);
        var result = await attack();
        var frames = await StopMeasuringAsync(watcher);
        host.Process.Refresh();
        var cpu = $"CPU over {clock.Elapsed.TotalSeconds:0.00} s: host {(host.Process.TotalProcessorTime - hostCpu).TotalSeconds:0.00} s, " +
            $"attackers {(Environment.CpuUsage.TotalTime - ownCpu).TotalSeconds:0.00} s";
        return (result, frames, cpu);
    }

    /// <summary>A second of frames with nothing else going on, to compare with.</summary>
    private static async Task<FrameStats> IdleFramesAsync(ClientWebSocket watcher)
    {
        await StartMeasuringAsync(watcher);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a measurement window, not a wait for something
        return await StopMeasuringAsync(watcher);
    }

    private static async Task StartMeasuringAsync(ClientWebSocket watcher)
    {
        await watcher.SendTextAsync("measure:");
        Assert.Equal("measuring", await watcher.ReceiveTextAsync());
    }

    private static async Task<FrameStats> StopMeasuringAsync(ClientWebSocket watcher)
    {
        await watcher.SendTextAsync("frames:");
        var intervals = JsonSerializer.Deserialize<double[]>(await watcher.ReceiveTextAsync()) ?? [];
        return new FrameStats(intervals.Length, [.. intervals.Order()], intervals.Sum() / 1000);
    }

    /// <summary>The script's client count, from the lines it prints.</summary>
    private sealed class ClientCount(PluginNetProcess host)
    {
        private int _seen; // lines already read: the count must be reached by a line printed after the last wait

        public async Task ReachedAsync(int count)
        {
            var wanted = $"clients={count}";
            var (_, index) = await host.WaitForLineFromAsync(_seen, l => l == wanted, Attacks.Wait);
            _seen = index + 1;
        }
    }
}
