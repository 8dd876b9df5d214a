using PluginNet.Core.Observation;
using PluginNet.Plugins.Inspector.Store;
using static PluginNet.Inspector.Tests.Observations;

namespace PluginNet.Inspector.Tests.Store;

public sealed class ObservationStoreTests
{
    [Fact]
    public void Bound_HoldsUnderManyLargeMessages_OldestEvictedAndCounted_NewestKept()
    {
        const long max = 1024 * 1024;
        var store = new ObservationStore(max);
        var message = new string('x', 10_000);
        for (var i = 0; i < 5_000; i++)
        {
            store.Add(new WsItem(Ws("flood.lua", 1, WebSocketObservationKind.Received, message + i), 64 * 1024));
            Assert.True(store.Bytes <= max, $"{store.Bytes} bytes held after {i + 1} messages, bound {max}");
        }

        var batch = store.Read(0);
        Assert.Equal(5_000, batch.Seen["ws"]);
        Assert.True(batch.Evicted["ws"] > 4_800, $"only {batch.Evicted["ws"]} evicted");
        Assert.Equal(5_000 - batch.Evicted["ws"], batch.Items.Count);
        Assert.Equal(batch.Items[0].Seq, batch.Oldest);
        Assert.EndsWith("4999", System.Text.Encoding.UTF8.GetString(((WsItem)batch.Items[^1]).Payload.Kept));
    }

    [Fact]
    public void Bound_CountsOnlyTheKeptPreviewOfAHugeBody()
    {
        var store = new ObservationStore(1024 * 1024);
        var started = Started("big.lua", 1, Get("http://127.0.0.1:9/big"));
        store.Add(new HttpItem(started, 4096));
        store.FinishHttp(Finished(started, Response(200, new string('y', 10_000_000), "text/plain"), 5), 4096);

        var item = Assert.IsType<HttpItem>(Assert.Single(store.Snapshot()));
        Assert.Equal(10_000_000, item.Done!.Body.Size);
        Assert.Equal(4096, item.Done.Body.Kept.Length);
        Assert.True(item.Done.Body.Truncated);
        Assert.InRange(store.Bytes, 4096, 16 * 1024);
    }

    [Fact]
    public void HttpFinish_CompletesTheStartedItemInPlace_AndReadSinceReturnsOnlyIt()
    {
        var store = new ObservationStore(1 << 20);
        var a = Started("a.lua", 1, Get("http://127.0.0.1:9/a"));
        var b = Started("a.lua", 2, Get("http://127.0.0.1:9/b"));
        store.Add(new HttpItem(a, 1024));
        store.Add(new HttpItem(b, 1024));
        var version = store.Read(0).Version;

        store.FinishHttp(Finished(b, Response(404, "{}"), 12), 1024);

        var changed = store.Read(version);
        Assert.False(changed.Full);
        var item = Assert.IsType<HttpItem>(Assert.Single(changed.Items));
        Assert.Equal(2, item.Id);
        Assert.Equal(404, item.Done!.Result.Status);
        Assert.Equal(2, store.Snapshot().Count);
        Assert.Null(((HttpItem)store.Snapshot()[0]).Done);
    }

    [Fact]
    public void HttpFinish_WithoutItsStart_IsStoredWhole()
    {
        var store = new ObservationStore(1 << 20);
        var a = Started("late.lua", 7, Get("http://127.0.0.1:9/a"));
        store.FinishHttp(Finished(a, Response(200, "ok", "text/plain"), 3), 1024);

        var item = Assert.IsType<HttpItem>(Assert.Single(store.Snapshot()));
        Assert.Equal(200, item.Done!.Result.Status);
    }

    [Fact]
    public void Clear_EmptiesAndMakesEveryReaderStartOver()
    {
        var store = new ObservationStore(1 << 20);
        store.Add(new WsItem(Ws("a.lua", 1, WebSocketObservationKind.Opened), 1024));
        var version = store.Read(0).Version;

        store.Clear();

        var after = store.Read(version);
        Assert.True(after.Full);
        Assert.Empty(after.Items);
        Assert.Empty(after.Seen);
        Assert.Equal(0, store.Bytes);
    }

    [Fact]
    public async Task WaitAsync_CompletesWhenSomethingArrives_NotBefore()
    {
        var store = new ObservationStore(1 << 20);
        var version = store.Read(0).Version;
        var waiting = store.WaitAsync(version, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        store.Add(new UdpItem(Udp("u.lua", 1, UdpObservationKind.Opened), 1024));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(store.WaitAsync(version, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void ReaderFarBehind_GetsEverythingInsteadOfAGap()
    {
        var store = new ObservationStore(1 << 30);
        var version = store.Read(0).Version;
        for (var i = 0; i < 10_000; i++)
        {
            store.Add(new UdpItem(Udp("u.lua", 1, UdpObservationKind.Received, [1, 2, 3]), 1024));
        }

        var batch = store.Read(version + 1);
        Assert.True(batch.Full);
        Assert.Equal(10_000, batch.Items.Count);
    }
}

public sealed class ObservationStoreConcurrencyTests
{
    [Fact]
    public async Task ManyThreadsAdding_WhileAPageReads_KeepTheCountsAndTheBound()
    {
        const long max = 256 * 1024;
        var store = new ObservationStore(max);
        using var stop = new CancellationTokenSource();
        long since = 0, readItems = 0;
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            bool last;
            do
            {
                last = stop.IsCancellationRequested; // one more read after the writers are done
                var batch = store.Read(since);
                since = batch.Version;
                readItems += batch.Items.Count;
                Assert.True(batch.Bytes <= max, $"read {batch.Bytes} bytes held");
                reading.TrySetResult();
                await Task.Yield();
            }
            while (!last);
        });
        await reading.Task;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                store.Add(new UdpItem(Udp($"t{t}.lua", t, UdpObservationKind.Received, new byte[100]), 1024));
            }
        })));
        await stop.CancelAsync();
        await reader;

        var end = store.Read(0);
        Assert.Equal(20_000, end.Seen["udp"]);
        Assert.Equal(20_000, end.Evicted["udp"] + end.Items.Count);
        Assert.True(store.Bytes <= max, $"{store.Bytes} bytes held");
        Assert.True(readItems > 0, "the reader read nothing");
    }
}
