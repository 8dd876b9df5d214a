using PluginNet.Core.Resources;

namespace PluginNet.Core.Tests;

public class ResourceLedgerTests
{
    [Fact]
    public async Task ReleaseAllAsync_MixedKinds_ReleasesServersThenConnectionsThenRequests()
    {
        var ledger = new ScriptScope("/s.lua").Ledger;
        var order = new List<string>();
        var serverGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ledger.Add(ResourceKind.PendingRequest, "Http", () => "req", _ => Record("request", order));
        ledger.Add(ResourceKind.Connection, "WsClient", () => "ws", _ => Record("connection", order));
        ledger.Add(ResourceKind.Server, "WsServer", () => "srv", async _ =>
        {
            await serverGate.Task; // a slow stage: the next one must wait for it
            await Record("server", order);
        });

        var release = ledger.ReleaseAllAsync(ReleaseReason.ScriptUnloaded);
        Assert.Empty(order);
        serverGate.SetResult();
        await release.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["server", "connection", "request"], order);
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public async Task ReleasePluginAsync_OtherPlugins_KeepTheirEntries()
    {
        var ledger = new ScriptScope("/s.lua").Ledger;
        var reasons = new List<ReleaseReason>();
        ledger.Add(ResourceKind.PendingRequest, "Http", () => "a", r => { reasons.Add(r); return Task.CompletedTask; });
        var kept = ledger.Add(ResourceKind.Connection, "WsClient", () => "b", _ => Task.CompletedTask);

        await ledger.ReleasePluginAsync("Http", ReleaseReason.PluginUnloaded);

        Assert.Equal([ReleaseReason.PluginUnloaded], reasons);
        Assert.Equal([kept], ledger.Snapshot());
    }

    [Fact]
    public async Task ReleaseAllAsync_OneReleaseFails_OthersStillReleasedAndFailureReported()
    {
        var ledger = new ScriptScope("/s.lua").Ledger;
        var released = new List<string>();
        ledger.Add(ResourceKind.Server, "P", () => "bad", _ => throw new InvalidOperationException("stuck"));
        ledger.Add(ResourceKind.Connection, "P", () => "good", _ => Record("good", released));

        var error = await Assert.ThrowsAsync<AggregateException>(() => ledger.ReleaseAllAsync(ReleaseReason.ScriptUnloaded));

        Assert.Equal(["good"], released);
        Assert.Contains(error.InnerExceptions, e => e.Message == "stuck");
    }

    [Fact]
    public async Task Remove_EntryEndedByItself_IsNotReleasedAgain()
    {
        var ledger = new ScriptScope("/s.lua").Ledger;
        var releases = 0;
        var entry = ledger.Add(ResourceKind.PendingRequest, "Http", () => "a", _ => { releases++; return Task.CompletedTask; });

        Assert.True(ledger.Remove(entry));
        Assert.False(ledger.Remove(entry));
        await ledger.ReleaseAllAsync(ReleaseReason.ScriptUnloaded);

        Assert.Equal(0, releases);
    }

    private static Task Record(string what, List<string> into)
    {
        lock (into)
        {
            into.Add(what);
        }

        return Task.CompletedTask;
    }
}
