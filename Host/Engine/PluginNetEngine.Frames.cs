using System.Diagnostics;
using PluginNet.Core.Threading;

namespace PluginNet.Host.Engine;

// The engine's frames: Tick for an application's own loop, Run for the standalone one, and the stop request.
public sealed partial class PluginNetEngine
{
    private static readonly TimeSpan HalfMillisecond = TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 2);
    private long _lastTickAt; // Stopwatch timestamp of the previous Tick, 0 before the first
    private volatile bool _stopRequested;

    /// <summary>
    /// One frame, for an application that drives the menu thread itself: runs the callbacks that have
    /// arrived (within <see cref="EngineOptions.CallbackBudget"/>), then fires <c>frame_update</c>.
    /// </summary>
    public void Tick()
    {
        Dispatcher.BindToCurrentThread();
        RunCallbacks(Options.CallbackBudget);
        var now = Stopwatch.GetTimestamp();
        var dt = _lastTickAt == 0 ? 1.0 / Options.FramesPerSecond : Stopwatch.GetElapsedTime(_lastTickAt, now).TotalSeconds;
        _lastTickAt = now;
        FireFrame(dt);
    }

    /// <summary>
    /// The standalone frame loop: wakes as soon as a callback is posted and runs it, fires
    /// <c>frame_update</c> at <see cref="EngineOptions.FramesPerSecond"/>, and returns when every
    /// script has unloaded, when <paramref name="timeout"/> runs out or when a stop is requested
    /// (in the last two cases after unloading every script).
    /// </summary>
    public EngineRunResult Run(TimeSpan? timeout = null)
    {
        Dispatcher.BindToCurrentThread();
        MenuThreadScheduling.RequestShortSlice();
        var clock = Stopwatch.StartNew();
        var frameInterval = TimeSpan.FromSeconds(1.0 / Options.FramesPerSecond);
        var nextFrame = frameInterval;
        var lastFrame = TimeSpan.Zero;
        var budgetLeft = Options.CallbackBudget;
        var limited = budgetLeft != Timeout.InfiniteTimeSpan;

        while (true)
        {
            if (_stopRequested)
            {
                UnloadAllScripts();
                return EngineRunResult.Stopped;
            }

            if (_scripts.Count == 0 && !Options.StayAliveWithoutScripts)
            {
                return EngineRunResult.AllScriptsUnloaded;
            }

            var now = clock.Elapsed;
            if (timeout is { } limit && now >= limit)
            {
                UnloadAllScripts();
                return EngineRunResult.TimedOut;
            }

            // Waits have whole-millisecond granularity, rounded up: aiming half a millisecond early
            // fires a frame within half a millisecond of its time instead of up to a whole one late.
            var frameDue = nextFrame - HalfMillisecond;
            var untilFrame = frameDue - now;
            if (timeout is { } l && l - now < untilFrame)
            {
                untilFrame = l - now;
            }

            if (untilFrame > TimeSpan.Zero)
            {
                if (limited && budgetLeft <= TimeSpan.Zero)
                {
                    // This frame's callback budget is spent: the rest waits, in order, for the next frame.
                    Thread.Sleep(MenuThreadDispatcher.WholeMilliseconds(untilFrame));
                }
                else
                {
                    Dispatcher.WaitForWork(untilFrame);
                }
            }

            if (!limited)
            {
                RunCallbacks(Timeout.InfiniteTimeSpan);
            }
            else if (budgetLeft > TimeSpan.Zero && frameDue - clock.Elapsed is var untilDue && untilDue > TimeSpan.Zero)
            {
                // Callbacks also stop when the frame is due, so frame_update fires on time; the rest
                // runs right after it, from the next frame's budget.
                budgetLeft -= RunCallbacks(untilDue < budgetLeft ? untilDue : budgetLeft);
            }

            var frameAt = clock.Elapsed;
            if (frameAt >= frameDue)
            {
                // dt is the time that really passed, so timers built on it keep time when frames are late.
                FireFrame((frameAt - lastFrame).TotalSeconds);
                lastFrame = frameAt;
                nextFrame += frameInterval;
                if (nextFrame < clock.Elapsed)
                {
                    nextFrame = clock.Elapsed + frameInterval; // fell behind: skip frames rather than burst
                }

                budgetLeft = Options.CallbackBudget;
            }
        }
    }

    /// <summary>Asks <see cref="Run"/> to unload every script and return. Safe from any thread, including signal handlers.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        Dispatcher.Post(null, static () => { }); // wake the loop
    }

    private TimeSpan RunCallbacks(TimeSpan budget)
    {
        var stats = Dispatcher.RunPending(budget);
        _unloader.ProcessPending();
        return stats.Elapsed;
    }

    private void FireFrame(double seconds)
    {
        _frame++;
        foreach (var script in _scripts)
        {
            script.FlushErrorSummaries();
            script.RunFrameWork();
        }

        FireToActiveScripts("frame_update", state =>
        {
            state.NewTable();
            state.PushNumber(seconds);
            state.SetField(-2, "dt");
            state.PushInteger(_frame);
            state.SetField(-2, "frame");
        });
    }
}
