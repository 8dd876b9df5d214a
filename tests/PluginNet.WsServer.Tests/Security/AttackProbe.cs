using System.Diagnostics;
using PluginNet.Host.Engine;

namespace PluginNet.WsServer.Tests.Security;

/// <summary>
/// An application module (like a game's) that the attacked script reports to: the time of every
/// frame, and its server's client count after every open and close.
/// </summary>
/// <remarks>Lua calls it on the menu thread; the test reads it from its own thread, hence the lock.</remarks>
internal sealed class AttackProbe : ILuaModule
{
    private readonly Lock _gate = new();
    private readonly List<long> _frames = [];
    private readonly List<(long Count, TaskCompletionSource Reached)> _waiters = [];
    private long _clients;

    /// <summary>The script: the attacked server, reporting its clients and frames to the probe.</summary>
    public static readonly string Script = AttackedServerScript.Build(
        reportClients: "probe.clients(srv:client_count())",
        onFrame: "probe.frame()");

    public void Install(LuaModuleContext script)
    {
        script.RegisterFunction("probe.frame", Frame);
        script.RegisterFunction("probe.clients", Clients);
    }

    /// <summary>Completes when the script has reported <paramref name="count"/> clients (now or later).</summary>
    public Task WaitForClientsAsync(long count, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_clients == count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(timeout);
        }
    }

    /// <summary>Frame-to-frame intervals, in milliseconds, of the frames fired since <paramref name="since"/> (a Stopwatch timestamp).</summary>
    public FrameStats FramesSince(long since)
    {
        long[] frames;
        lock (_gate)
        {
            frames = [.. _frames.Where(f => f >= since)];
        }

        var intervals = frames.Zip(frames.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).Order().ToArray();
        return new FrameStats(frames.Length, intervals, Stopwatch.GetElapsedTime(since).TotalSeconds);
    }

    private void Frame()
    {
        lock (_gate)
        {
            _frames.Add(Stopwatch.GetTimestamp());
        }
    }

    private void Clients(long count)
    {
        lock (_gate)
        {
            _clients = count;
            foreach (var waiter in _waiters.Where(w => w.Count == count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}

/// <summary>How the frames went over a window: how many fired and their sorted intervals (ms).</summary>
internal sealed record FrameStats(int Frames, double[] Intervals, double Seconds)
{
    public double Percentile(double p) =>
        Intervals.Length == 0 ? double.NaN : Intervals[Math.Min(Intervals.Length - 1, (int)Math.Ceiling(p / 100 * Intervals.Length) - 1)];

    public double Max => Intervals.Length == 0 ? double.NaN : Intervals[^1];

    /// <summary>How many intervals were longer than <paramref name="ms"/>; pooled over runs, this gives the percentile of all their frames.</summary>
    public int LongerThan(double ms) => Intervals.Count(i => i > ms);

    /// <summary>Several windows as one.</summary>
    public static FrameStats Combine(params FrameStats[] windows) =>
        new(windows.Sum(w => w.Frames), [.. windows.SelectMany(w => w.Intervals).Order()], windows.Sum(w => w.Seconds));

    public override string ToString() =>
        $"{Frames} frames in {Seconds:0.0} s ({Frames / Seconds:0} fps); interval p50 {Percentile(50):0.0} ms, p99 {Percentile(99):0.0} ms, max {Max:0.0} ms";
}
