using System.Collections.Concurrent;
using System.Diagnostics;
using PluginNet.Core.Resources;

namespace PluginNet.Core.Threading;

/// <summary>
/// Hands work from any thread to the single menu thread, the only thread that touches Lua.
/// </summary>
/// <remarks>
/// Any thread may <see cref="Post(ScriptScope?, Action)"/>. Only the menu thread (the first thread that calls
/// <see cref="RunPending"/>) runs work, in posting order. Work tagged with a script that has ended is
/// dropped, never run. <see cref="WaitForWork"/> wakes as soon as something is posted, so a callback's
/// latency does not depend on the frame rate.
/// </remarks>
public sealed class MenuThreadDispatcher : IDisposable
{
    private readonly ConcurrentQueue<WorkItem> _queue = new();
    private readonly ManualResetEventSlim _posted = new(false, spinCount: 0);
    private int _menuThreadId;

    // 1 while the menu thread is (about to be) blocked in WaitForWork. Posters signal the event only
    // then, and only one of them: under a stream of completions most posts touch no lock at all.
    private int _sleeping;

    /// <summary>Called on the menu thread when a work item throws; the dispatcher carries on.</summary>
    public event Action<Exception, ScriptScope?>? WorkFailed;

    /// <summary>Items waiting to run (dropped items count until they are reached).</summary>
    public int PendingCount => _queue.Count;

    /// <summary>True on the menu thread once it has run work at least once.</summary>
    public bool IsMenuThread => Volatile.Read(ref _menuThreadId) == Environment.CurrentManagedThreadId;

    /// <summary>Queues <paramref name="work"/> for the menu thread. Safe from any thread; never blocks.</summary>
    /// <param name="owner">The script the work belongs to, or null for host work that always runs.</param>
    /// <param name="work">What to run on the menu thread.</param>
    public void Post(ScriptScope? owner, Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Enqueue(new WorkItem(owner, work, null, null, 0));
    }

    /// <summary>
    /// Queues <paramref name="work"/>(<paramref name="first"/>, <paramref name="second"/>) for the menu
    /// thread. Same as <see cref="Post(ScriptScope?, Action)"/>, but a static delegate with its state
    /// passed here needs no closure: a stream of completions posts without allocating.
    /// </summary>
    public void Post(ScriptScope? owner, Action<object?, object?> work, object? first, object? second)
    {
        ArgumentNullException.ThrowIfNull(work);
        Enqueue(new WorkItem(owner, work, first, second, 0));
    }

    /// <summary>
    /// Queues <paramref name="work"/>(<paramref name="first"/>, <paramref name="second"/>, <paramref name="number"/>)
    /// for the menu thread: like the two-argument form, with a number (an id, a port) carried unboxed.
    /// </summary>
    public void Post(ScriptScope? owner, Action<object?, object?, long> work, object? first, object? second, long number)
    {
        ArgumentNullException.ThrowIfNull(work);
        Enqueue(new WorkItem(owner, work, first, second, number));
    }

    /// <summary>
    /// Blocks the calling (menu) thread until work is posted or <paramref name="timeout"/> passes.
    /// Returns true when work is waiting.
    /// </summary>
    public bool WaitForWork(TimeSpan timeout)
    {
        if (!_queue.IsEmpty)
        {
            return true;
        }

        if (timeout > TimeSpan.Zero)
        {
            // Announce the sleep, then look again: a post either sees the flag (and signals) or was
            // enqueued before the look (and is seen). Both sides put a full fence between write and read.
            _posted.Reset();
            Interlocked.Exchange(ref _sleeping, 1);
            if (_queue.IsEmpty)
            {
                // Whole milliseconds, rounded up: the event would truncate 0.7 ms to 0 and return at
                // once, turning the end of every frame into a busy loop.
                _posted.Wait(WholeMilliseconds(timeout));
            }

            Volatile.Write(ref _sleeping, 0);
        }

        return !_queue.IsEmpty;
    }

    /// <summary>
    /// Runs queued work in order until the queue is empty or <paramref name="budget"/> is spent; what
    /// is left stays queued, in order, for the next call. Menu thread only.
    /// </summary>
    /// <param name="budget">Time allowed; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    public DispatchStats RunPending(TimeSpan budget)
    {
        BindOrCheckMenuThread();
        var started = Stopwatch.GetTimestamp();
        var limited = budget != Timeout.InfiniteTimeSpan;
        var deadline = limited ? started + (long)(budget.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        int ran = 0, dropped = 0;

        // At least one item per call, so a tiny budget still makes progress; work posted while
        // running is taken too, as long as the budget lasts.
        while ((ran == 0 || !limited || Stopwatch.GetTimestamp() < deadline) && _queue.TryDequeue(out var item))
        {
            if (item.Owner is { IsActive: false })
            {
                dropped++;
                continue;
            }

            ran++;
            try
            {
                if (item.Work is Action action)
                {
                    action();
                }
                else if (item.Work is Action<object?, object?> withState)
                {
                    withState(item.First, item.Second);
                }
                else
                {
                    ((Action<object?, object?, long>)item.Work)(item.First, item.Second, item.Number);
                }
            }
#pragma warning disable CA1031 // The menu thread must survive any one item; the failure is reported.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                WorkFailed?.Invoke(ex, item.Owner);
            }
        }

        return new DispatchStats(ran, dropped, _queue.Count, Stopwatch.GetElapsedTime(started));
    }

    /// <summary><paramref name="timeout"/> in whole milliseconds, rounded up (at least 1 for any positive time).</summary>
    public static int WholeMilliseconds(TimeSpan timeout) =>
        timeout <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));

    /// <summary>Throws unless called on the menu thread. Use at the top of anything that touches Lua.</summary>
    public void VerifyMenuThread()
    {
        if (!IsMenuThread)
        {
            throw new InvalidOperationException(
                $"this must run on the menu thread (thread {_menuThreadId}), not thread {Environment.CurrentManagedThreadId}");
        }
    }

    /// <summary>Makes the calling thread the menu thread. Call once, before any work is run.</summary>
    public void BindToCurrentThread()
    {
        var current = Environment.CurrentManagedThreadId;
        var previous = Interlocked.CompareExchange(ref _menuThreadId, current, 0);
        if (previous != 0 && previous != current)
        {
            throw new InvalidOperationException($"the menu thread is already thread {previous}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _posted.Dispose();

    private void BindOrCheckMenuThread()
    {
        if (!IsMenuThread)
        {
            BindToCurrentThread();
        }
    }

    private void Enqueue(in WorkItem item)
    {
        _queue.Enqueue(item);

        // Full fence: the item must be visible before the flag is read (the menu thread does the mirror image).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1)
        {
            _posted.Set();
        }
    }

    // Work is an Action, an Action<object?, object?> called with First and Second, or an
    // Action<object?, object?, long> called with First, Second and Number.
    private readonly record struct WorkItem(ScriptScope? Owner, Delegate Work, object? First, object? Second, long Number);
}

/// <summary>What one <see cref="MenuThreadDispatcher.RunPending"/> call did.</summary>
/// <param name="Ran">Items run.</param>
/// <param name="Dropped">Items skipped because their script had ended.</param>
/// <param name="Remaining">Items left for the next call (budget spent).</param>
/// <param name="Elapsed">Time spent.</param>
public readonly record struct DispatchStats(int Ran, int Dropped, int Remaining, TimeSpan Elapsed);
