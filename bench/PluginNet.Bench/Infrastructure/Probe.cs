using System.Diagnostics;
using KeraLua;
using PluginNet.Host.Engine;

namespace PluginNet.Bench.Infrastructure;

/// <summary>
/// The script's stopwatch: a <c>bench</c> table of raw Lua C functions (no NLua conversion, no
/// allocation) that record <see cref="Stopwatch.GetTimestamp"/> at the moment the script calls them.
/// </summary>
/// <remarks>
/// <c>bench.mark(i)</c> stores the time in <see cref="Marks"/>[i] (and for i = 0 or 1 the process CPU time and allocated bytes); <c>bench.stamp(t)</c> stores the time
/// elapsed since <c>t</c>, a CLOCK_MONOTONIC reading in nanoseconds taken by another process (Node's
/// <c>process.hrtime.bigint()</c> reads the same clock as .NET's Stopwatch on Linux);
/// <c>bench.frame()</c> appends to <see cref="Frames"/>.
/// </remarks>
internal sealed class Probe : ILuaModule
{
    private readonly LuaFunction _mark;
    private readonly LuaFunction _stamp;
    private readonly LuaFunction _frame;
    private int _stamps;

    public Probe(int marks = 2, int stamps = 0, int frames = 0)
    {
        Marks = new long[marks];
        Stamps = new long[stamps];
        Frames = new List<long>(frames);
        _mark = pointer =>
        {
            var now = Stopwatch.GetTimestamp();
            var index = Lua.FromIntPtr(pointer).ToInteger(1);
            Marks[index] = now;
            if (index < CpuMarks.Length)
            {
                CpuMarks[index] = Environment.CpuUsage.TotalTime;
                AllocatedMarks[index] = GC.GetTotalAllocatedBytes();
            }

            return 0;
        };
        _stamp = pointer =>
        {
            var now = Stopwatch.GetTimestamp();
            var sent = Lua.FromIntPtr(pointer).ToIntegerX(1) ?? throw new InvalidOperationException("bench.stamp: not a number");
            if (_stamps < Stamps.Length)
            {
                Stamps[_stamps++] = now - sent;
            }

            return 0;
        };
        _frame = _ =>
        {
            Frames.Add(Stopwatch.GetTimestamp());
            FrameSchedStats.Add(ReadSchedStat());
            return 0;
        };
    }

    public long[] Marks { get; }

    /// <summary>This process's CPU time (user + system) at marks 0 and 1 (only those: reading it is a system call).</summary>
    public TimeSpan[] CpuMarks { get; } = new TimeSpan[2];

    /// <summary>Bytes allocated by the whole process (every thread) at marks 0 and 1.</summary>
    public long[] AllocatedMarks { get; } = new long[2];

    /// <summary>Managed bytes allocated per operation between marks 0 and 1 (all threads).</summary>
    public double BytesPer(int operations) => (double)(AllocatedMarks[1] - AllocatedMarks[0]) / operations;

    /// <summary>Process CPU microseconds per operation between marks 0 and 1.</summary>
    public double CpuMicrosPer(int operations) => (CpuMarks[1] - CpuMarks[0]).TotalMicroseconds / operations;

    /// <summary>Elapsed Stopwatch ticks per <c>bench.stamp</c> call, in call order.</summary>
    public long[] Stamps { get; }

    public int StampCount => _stamps;

    public List<long> Frames { get; }

    /// <summary>
    /// At each <c>bench.frame()</c>: the menu thread's CPU time and its time spent runnable but waiting
    /// for a CPU (Linux /proc/thread-self/schedstat, ns), to tell slow code from preemption.
    /// </summary>
    public List<(long CpuNs, long WaitNs)> FrameSchedStats { get; } = [];

    private static (long CpuNs, long WaitNs) ReadSchedStat()
    {
        try
        {
            var parts = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
            return (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (-1, -1);
        }
    }

    /// <summary>Milliseconds between two marks.</summary>
    public double Between(int from, int to) => Stopwatch.GetElapsedTime(Marks[from], Marks[to]).TotalMilliseconds;

    public void Install(LuaModuleContext script)
    {
        var state = script.Lua.State;
        state.NewTable();
        state.PushCFunction(_mark);
        state.SetField(-2, "mark");
        state.PushCFunction(_stamp);
        state.SetField(-2, "stamp");
        state.PushCFunction(_frame);
        state.SetField(-2, "frame");
        state.SetGlobal("bench");
    }
}
