using System.Diagnostics;
using System.Globalization;
using System.Text;
using PluginNet.Bench.Infrastructure;
using PluginNet.Core.Transports;
using PluginNet.Host.Engine;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// The per-frame callback budget under a flood: a WebSocket client transport pinned into the real
/// engine (as an embedding application may) reports 100,000 messages on one connection in one
/// burst from a transport thread, so they are all queued for the menu thread at once. They reach
/// the script through the real <c>net.ws</c> binder and glue. The standalone frame loop runs at
/// 60 fps with the default 4 ms budget; the figure is the longest stretch the menu thread spent on
/// callbacks in one frame (from the end of <c>frame_update</c> to the end of that frame's last
/// callback), and the check that every message arrived once, in order.
/// </summary>
internal static class FloodBudget
{
    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var count = settings.Count(100_000, 5_000);
        var budget = new EngineOptions().CallbackBudget.TotalMilliseconds;
        Console.WriteLine($"flood: {count} completions queued at once, 60 fps, callback budget {budget} ms per frame");

        var worst = new List<double>();
        var allInOrder = true;
        for (var run = 1; run <= settings.Runs; run++)
        {
            var outcome = await RunOnceAsync(count);
            worst.Add(outcome.WorstFrameMs);
            allInOrder &= outcome.InOrder;
            Console.WriteLine(
                $"  run {run}: queued in {outcome.PostMs:0.0} ms; delivered {outcome.Delivered} in order: {outcome.InOrder}; " +
                $"{outcome.Frames} frames; callback time per frame: median {outcome.MedianFrameMs:0.00} ms, worst {outcome.WorstFrameMs:0.00} ms; " +
                $"longest frame interval {outcome.LongestIntervalMs:0.0} ms; worst frame #{outcome.WorstFrame} (menu thread in that frame: {outcome.WorstCpuMs:0.00} ms CPU, {outcome.WorstWaitMs:0.00} ms waiting for a CPU); {outcome.Gc}");
        }

        var median = Stats.Median(worst);
        results.Add(new ResultRow(
            $"{count:N0} completions queued at once: callback time in the worst frame (60 fps, budget {budget} ms)",
            $"{median:0.00} ms (median of runs; worst run {worst.Max():0.00} ms); all delivered in order: {(allInOrder ? "yes" : "NO")}",
            "—",
            "—",
            $"≤ budget + 2 ms = {budget + 2} ms; all in order",
            median <= budget + 2 && allInOrder));
    }

    private static async Task<Outcome> RunOnceAsync(int count)
    {
        var probe = new Probe(marks: count + 1, frames: 1024);
        var transport = new FloodTransport(count);
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        await BenchEngine.RunAsync($$"""
            local n, bad = 0, nil
            event.on("frame_update", function() bench.frame() end)
            net.ws:connect("ws://127.0.0.1:9/flood", {
              on_message = function(id, msg)
                n = n + 1
                if bad == nil and tonumber(msg) ~= n then bad = "message " .. n .. " was " .. msg end
                bench.mark(n)
              end,
              on_close = function()
                print(string.format("flood: %d messages, %s", n, bad or "all in order"))
                if bad == nil then bench.mark(0) end
                script.unload()
              end,
            })
            """, [probe], configure: engine => engine.Transports.Pin(TransportKind.WebSocketClient, "Flood", transport), plugins: false);

        var gc = $"GCs gen0/1/2 {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}, " +
            $"paused {(GC.GetTotalPauseDuration() - gcBefore.Item4).TotalMilliseconds:0.0} ms in all";
        var delivered = Enumerable.Range(1, count).Count(i => probe.Marks[i] != 0);
        var inOrder = probe.Marks[0] != 0 && delivered == count;

        // Callbacks per frame interval: from the frame mark (or the first callback, before the first frame) to the last.
        var frames = probe.Frames;
        var perFrame = new List<double>();
        var startMarks = new List<int>(); // the frame mark each stretch starts at (-1: before the first)
        var index = 1;
        var start = probe.Marks[1];
        for (var f = 0; f <= frames.Count && index <= count; f++)
        {
            var end = f < frames.Count ? frames[f] : long.MaxValue;
            if (probe.Marks[index] >= end)
            {
                start = end;
                continue;
            }

            var last = index;
            while (last + 1 <= count && probe.Marks[last + 1] < end)
            {
                last++;
            }

            perFrame.Add(Stopwatch.GetElapsedTime(Math.Min(start, probe.Marks[index]), probe.Marks[last]).TotalMilliseconds);
            startMarks.Add(f - 1);
            index = last + 1;
            start = end;
        }

        var intervals = frames.Zip(frames.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).ToList();

        // The worst frame seen from the scheduler: between its frame mark and the next, how much CPU the
        // menu thread used and how long it waited, runnable, for a CPU (taken by other processes).
        var sched = probe.FrameSchedStats;
        var worst = perFrame.IndexOf(perFrame.Max());
        var mark = startMarks[worst];
        var (worstCpu, worstWait) = mark >= 0 && mark + 1 < sched.Count && sched[mark].CpuNs >= 0
            ? ((sched[mark + 1].CpuNs - sched[mark].CpuNs) / 1e6, (sched[mark + 1].WaitNs - sched[mark].WaitNs) / 1e6)
            : (double.NaN, double.NaN);
        return new Outcome(
            delivered,
            inOrder,
            perFrame.Count,
            Stats.Median(perFrame),
            perFrame.Max(),
            intervals.Count > 0 ? intervals.Max() : 0,
            transport.PostMilliseconds,
            gc,
            worst,
            worstCpu,
            worstWait);
    }

    private sealed record Outcome(int Delivered, bool InOrder, int Frames, double MedianFrameMs, double WorstFrameMs, double LongestIntervalMs, double PostMs, string Gc, int WorstFrame, double WorstCpuMs, double WorstWaitMs);

    /// <summary>A client transport whose one connection opens, reports N messages in one burst, then closes.</summary>
    private sealed class FloodTransport(int count) : IWebSocketClientTransport
    {
        public double PostMilliseconds { get; private set; }

        public IWebSocketConnection Connect(WebSocketConnectRequest request, IWebSocketEvents events)
        {
            // Made before the burst, as a socket would have them in its buffers.
            var payloads = Enumerable.Range(1, count).Select(i => Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture))).ToArray();
            _ = Task.Run(() =>
            {
                events.OnOpen();
                var started = Stopwatch.GetTimestamp();
                foreach (var payload in payloads)
                {
                    events.OnMessage(payload, isText: true);
                }

                PostMilliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                events.OnClose(1000, "flood done");
            });
            return new Closed();
        }

        private sealed class Closed : IWebSocketConnection
        {
            public bool IsOpen => false;

            public bool Send(ReadOnlyMemory<byte> text) => false;

            public Task CloseAsync(int code, string reason, CancellationToken cancellationToken) => Task.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
