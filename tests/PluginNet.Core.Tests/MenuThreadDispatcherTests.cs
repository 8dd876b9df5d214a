using PluginNet.Core.Resources;
using PluginNet.Core.Threading;

namespace PluginNet.Core.Tests;

public class MenuThreadDispatcherTests
{
    [Fact]
    public void RunPending_ItemsPostedFromManyThreads_RunInPostingOrderPerThread()
    {
        using var dispatcher = new MenuThreadDispatcher();
        var seen = new List<(int Thread, int Index)>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var index = i;
                dispatcher.Post(null, () => seen.Add((t, index)));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var stats = dispatcher.RunPending(Timeout.InfiniteTimeSpan);

        Assert.Equal(4000, stats.Ran);
        foreach (var group in seen.GroupBy(s => s.Thread))
        {
            Assert.Equal(Enumerable.Range(0, 1000), group.Select(s => s.Index));
        }
    }

    [Fact]
    public void RunPending_ItemOfEndedScript_IsDroppedNotRun()
    {
        using var dispatcher = new MenuThreadDispatcher();
        var alive = new ScriptScope("/a.lua");
        var gone = new ScriptScope("/b.lua");
        var ran = new List<string>();
        dispatcher.Post(alive, () => ran.Add("a1"));
        dispatcher.Post(gone, () => ran.Add("b1"));
        dispatcher.Post(alive, () => ran.Add("a2"));
        gone.End();

        var stats = dispatcher.RunPending(Timeout.InfiniteTimeSpan);

        Assert.Equal(["a1", "a2"], ran);
        Assert.Equal(1, stats.Dropped);
    }

    [Fact]
    public void RunPending_BudgetSpent_CarriesTheRestInOrder()
    {
        using var dispatcher = new MenuThreadDispatcher();
        var ran = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            var index = i;
            dispatcher.Post(null, () =>
            {
                ran.Add(index);
                Thread.SpinWait(200_000); // real work, so the budget is spent after a few items
            });
        }

        var first = dispatcher.RunPending(TimeSpan.FromTicks(1));
        var rest = dispatcher.RunPending(Timeout.InfiniteTimeSpan);

        Assert.Equal(1, first.Ran);
        Assert.Equal(9, first.Remaining);
        Assert.Equal(9, rest.Ran);
        Assert.Equal(Enumerable.Range(0, 10), ran);
    }

    [Fact]
    public void RunPending_ItemThrows_ReportsAndRunsTheNext()
    {
        using var dispatcher = new MenuThreadDispatcher();
        Exception? reported = null;
        dispatcher.WorkFailed += (ex, _) => reported = ex;
        var ranAfter = false;
        dispatcher.Post(null, () => throw new InvalidOperationException("boom"));
        dispatcher.Post(null, () => ranAfter = true);

        dispatcher.RunPending(Timeout.InfiniteTimeSpan);

        Assert.IsType<InvalidOperationException>(reported);
        Assert.True(ranAfter);
    }

    [Fact]
    public async Task WaitForWork_PostFromAnotherThread_WakesBeforeTimeout()
    {
        using var dispatcher = new MenuThreadDispatcher();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var woke = Task.Run(() =>
        {
            waiting.SetResult();
            var started = DateTime.UtcNow;
            var hasWork = dispatcher.WaitForWork(TimeSpan.FromSeconds(20));
            return (hasWork, DateTime.UtcNow - started);
        });
        await waiting.Task;

        dispatcher.Post(null, () => { });
        var (hasWork, waited) = await woke.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(hasWork);
        Assert.True(waited < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void RunPending_FromASecondThread_Throws()
    {
        using var dispatcher = new MenuThreadDispatcher();
        dispatcher.RunPending(Timeout.InfiniteTimeSpan);

        var error = Record.Exception(() =>
        {
            var thread = new Thread(() => dispatcher.RunPending(Timeout.InfiniteTimeSpan));
            Exception? inner = null;
            thread = new Thread(() => inner = Record.Exception(() => dispatcher.RunPending(Timeout.InfiniteTimeSpan)));
            thread.Start();
            thread.Join();
            if (inner is not null)
            {
                throw inner;
            }
        });

        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void RunPending_StatePostsAndActionPosts_RunInPostingOrder()
    {
        using var dispatcher = new MenuThreadDispatcher();
        var ran = new List<string>();
        dispatcher.Post(null, () => ran.Add("a"));
        dispatcher.Post(null, static (list, item) => ((List<string>)list!).Add((string)item!), ran, "b");
        dispatcher.Post(null, () => ran.Add("c"));

        var stats = dispatcher.RunPending(Timeout.InfiniteTimeSpan);

        Assert.Equal(["a", "b", "c"], ran);
        Assert.Equal(3, stats.Ran);
    }

    [Fact]
    public void RunPending_StatePostOfEndedScript_IsDroppedNotRun()
    {
        using var dispatcher = new MenuThreadDispatcher();
        var gone = new ScriptScope("/gone.lua");
        var ran = false;
        dispatcher.Post(gone, (_, _) => ran = true, null, null);
        gone.End();

        var stats = dispatcher.RunPending(Timeout.InfiniteTimeSpan);

        Assert.False(ran);
        Assert.Equal(1, stats.Dropped);
    }

    [Fact]
    public async Task WaitForWork_PingPongWithAnotherThread_NeverMissesAWakeUp()
    {
        // A lost wake-up would leave the menu thread asleep until the long timeout; 3,000 hand-overs
        // in a row, each posted at whatever moment the other thread gets to it, find any such race.
        using var dispatcher = new MenuThreadDispatcher();
        using var turn = new SemaphoreSlim(0);
        const int rounds = 3000;
        var poster = Task.Run(async () =>
        {
            for (var i = 0; i < rounds; i++)
            {
                dispatcher.Post(null, () => turn.Release());
                await turn.WaitAsync(TimeSpan.FromSeconds(30));
            }
        });

        var slowest = TimeSpan.Zero;
        var handled = 0;
        var menu = new Thread(() =>
        {
            while (handled < rounds)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                dispatcher.WaitForWork(TimeSpan.FromSeconds(10));
                var waited = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                slowest = waited > slowest ? waited : slowest;
                handled += dispatcher.RunPending(Timeout.InfiniteTimeSpan).Ran;
            }
        });
        menu.Start();
        await poster.WaitAsync(TimeSpan.FromSeconds(60));
        menu.Join(TimeSpan.FromSeconds(30));

        Assert.Equal(rounds, handled);
        // A missed wake-up waits out the full 10 s; anything shorter is a busy machine, not a lost post.
        Assert.True(slowest < TimeSpan.FromSeconds(9), $"a wait lasted {slowest.TotalSeconds:0.0} s: a post did not wake the menu thread");
    }

    [Fact]
    public void WaitForWork_SubMillisecondTimeout_WaitsInsteadOfReturningAtOnce()
    {
        // The frame loop waits for "the rest of the frame", often under 1 ms; returning at once
        // there made the end of every frame a busy loop.
        using var dispatcher = new MenuThreadDispatcher();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var hasWork = dispatcher.WaitForWork(TimeSpan.FromMilliseconds(0.3));

        Assert.False(hasWork);
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(0.3));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-5, 0)]
    [InlineData(0.001, 1)]
    [InlineData(0.7, 1)]
    [InlineData(1, 1)]
    [InlineData(16.67, 17)]
    public void WholeMilliseconds_RoundsUp(double milliseconds, int expected) =>
        Assert.Equal(expected, MenuThreadDispatcher.WholeMilliseconds(TimeSpan.FromMilliseconds(milliseconds)));
}
