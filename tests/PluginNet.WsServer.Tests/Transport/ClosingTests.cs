using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Transport;

public sealed class ClosingTests
{
    [Fact]
    public async Task Disconnect_WithCodeAndReason_ClientSeesThemAndOnCloseReportsThem()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        Assert.True(harness.Server.Disconnect(id, 4000, "kicked: idle"));
        var (status, reason) = await socket.ReceiveCloseAsync();

        Assert.Equal((WebSocketCloseStatus)4000, status);
        Assert.Equal("kicked: idle", reason);
        Assert.Equal(new CloseInfo(4000, "kicked: idle"), await harness.Events.ClosedAsync(id));
        Assert.Equal(0, harness.Server.ClientCount);
        Assert.False(harness.Server.Send(id, "late"u8.ToArray()));
        Assert.False(harness.Server.Disconnect(id, 1000, ""));
        socket.Dispose();
    }

    [Fact]
    public async Task ClientCount_ClientsEndingEveryWayAtOnce_CountsThoseStillOpenThenZero()
    {
        // The count is kept, not recounted: each way a client can stop being open must take it off once.
        const int PerWay = 20;
        await using var harness = ServerHarness.Start();
        var clients = new List<(ClientWebSocket Socket, long Id)>();
        for (var i = 0; i < PerWay * 4; i++)
        {
            clients.Add(await harness.ConnectAsync());
        }

        Assert.Equal(PerWay * 4, harness.Server.ClientCount);

        var closedByClient = clients[..PerWay];
        var disconnected = clients[PerWay..(PerWay * 2)];
        var vanished = clients[(PerWay * 2)..(PerWay * 3)];
        var staying = clients[(PerWay * 3)..];
        var ending = closedByClient.Select(c => c.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None)).ToList();
        foreach (var (_, id) in disconnected)
        {
            Assert.True(harness.Server.Disconnect(id, 1000, ""));
        }

        foreach (var (socket, _) in vanished)
        {
            socket.Abort();
        }

        await Task.WhenAll(ending);
        foreach (var (_, id) in clients[..(PerWay * 3)])
        {
            await harness.Events.ClosedAsync(id);
        }

        Assert.Equal(PerWay, harness.Server.ClientCount);

        await harness.Server.CloseAsync(CancellationToken.None);
        Assert.Equal(0, harness.Server.ClientCount);
        foreach (var (socket, id) in staying)
        {
            await harness.Events.ClosedAsync(id);
            socket.Dispose();
        }

        Assert.Equal(0, harness.Server.ClientCount);
        foreach (var (socket, _) in clients[..(PerWay * 3)])
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Disconnect_AfterSend_QueuedMessageArrivesBeforeTheClose()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        harness.Server.Send(id, "bye"u8.ToArray());
        harness.Server.Disconnect(id, 1000, "");

        Assert.Equal("bye", await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, (await socket.ReceiveCloseAsync()).Status);
        Assert.Equal(new CloseInfo(1000, ""), await harness.Events.ClosedAsync(id));
        socket.Dispose();
    }

    [Fact]
    public async Task Disconnect_CodeThatMayNotBeSent_Throws()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Server.Disconnect(id, 1006, ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Server.Disconnect(id, 5000, ""));
        Assert.Equal(1, harness.Server.ClientCount);
        socket.Dispose();
    }

    [Fact]
    public async Task OnClose_ClientClosesNormally_ReportedOnceWithTheClientsCodeAndReason()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal(new CloseInfo(1000, "done"), await harness.Events.ClosedAsync(id));
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Empty(harness.Events.ErrorsOf(id));
        Assert.Equal(0, harness.Server.ClientCount);
        socket.Dispose();
    }

    [Fact]
    public async Task OnClose_ClientDropsTheConnection_ReportsErrorThen1006()
    {
        await using var harness = ServerHarness.Start();
        var raw = await RawWebSocket.ConnectAsync(harness.Server.Port);
        Assert.Equal(101, await raw.HandshakeAsync(harness.Server.Port));
        var id = await harness.Events.NextOpenAsync();

        raw.Dispose();

        Assert.Equal(Documented.AbnormalClosure, (await harness.Events.ClosedAsync(id)).Code);
        Assert.Single(harness.Events.ErrorsOf(id));
        Assert.Equal(["open", "error", "close"], harness.Events.EventsOf(id));
    }

    [Fact]
    public async Task CloseAsync_WithClients_ClientsSee1001AndThePortIsFreeAtOnce()
    {
        await using var harness = ServerHarness.Start();
        var clients = new[] { await harness.ConnectAsync(), await harness.ConnectAsync() };
        var closes = clients.Select(c => c.Socket.ReceiveCloseAsync()).ToArray();

        await harness.Server.CloseAsync(CancellationToken.None);

        Assert.False(harness.Server.IsOpen);
        Assert.Equal(0, harness.Server.ClientCount);
        foreach (var close in closes)
        {
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await close).Status);
        }

        foreach (var (socket, id) in clients)
        {
            Assert.Equal(Documented.GoingAway, (await harness.Events.ClosedAsync(id)).Code);
            socket.Dispose();
        }

        // The port is free: a plain listener and then a new server can take it right away.
        var listener = new TcpListener(IPAddress.Loopback, harness.Server.Port);
        listener.Start();
        listener.Stop();
        await using var again = ServerHarness.Start(ServerHarness.Request(port: harness.Server.Port));
        var (next, _) = await again.ConnectAsync();
        next.Dispose();
    }

    [Fact]
    public async Task CloseAsync_CalledTwiceAndConcurrently_AllCompleteAndNothingIsReportedTwice()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        await Task.WhenAll(
            harness.Server.CloseAsync(CancellationToken.None),
            harness.Server.CloseAsync(CancellationToken.None),
            harness.Server.DisposeAsync().AsTask());
        await harness.Server.CloseAsync(CancellationToken.None);

        Assert.Equal(Documented.GoingAway, (await harness.Events.ClosedAsync(id)).Code);
        harness.Server.Broadcast("ignored"u8.ToArray());
        Assert.False(harness.Server.Send(id, "ignored"u8.ToArray()));
        socket.Dispose();
    }

    [Fact]
    public async Task CloseAsync_ClientThatNeverAnswersTheClose_StillCompletesPromptly()
    {
        await using var harness = ServerHarness.Start();
        using var raw = await RawWebSocket.ConnectAsync(harness.Server.Port);
        Assert.Equal(101, await raw.HandshakeAsync(harness.Server.Port));
        var id = await harness.Events.NextOpenAsync();

        var started = DateTime.UtcNow;
        await harness.Server.CloseAsync(CancellationToken.None);

        // The bounds it obeys add up to 4 s (close handshake 1 s, shutdown 3 s); without them it would
        // never return. 15 s tells the two apart with room for a busy machine.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
        Assert.Equal(Documented.GoingAway, (await harness.Events.ClosedAsync(id)).Code);
        Assert.Equal(0x8, (await raw.ReadFrameAsync()).Opcode);
    }

    [Fact]
    public async Task DisposeAsync_Transport_ClosesEveryServerWith1001()
    {
        var harness = ServerHarness.Start();
        var second = harness.Transport.Listen(ServerHarness.Request(), harness.Events);
        var (socket, id) = await harness.ConnectAsync();
        var close = socket.ReceiveCloseAsync();

        await harness.DisposeAsync();

        Assert.False(harness.Server.IsOpen);
        Assert.False(second.IsOpen);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await close).Status);
        Assert.Equal(Documented.GoingAway, (await harness.Events.ClosedAsync(id)).Code);
        Assert.Throws<ObjectDisposedException>(() => harness.Transport.Listen(ServerHarness.Request(), harness.Events));
        socket.Dispose();
    }

    [Fact]
    public async Task Broadcast_AfterAClientLeft_ReachesOnlyTheOthers()
    {
        await using var harness = ServerHarness.Start();
        var (leaving, leavingId) = await harness.ConnectAsync();
        var (staying, _) = await harness.ConnectAsync();
        await leaving.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await harness.Events.ClosedAsync(leavingId);

        harness.Server.Broadcast(Encoding.UTF8.GetBytes("still here"));

        Assert.Equal("still here", await staying.ReceiveTextAsync());
        Assert.Equal(1, harness.Server.ClientCount);
        leaving.Dispose();
        staying.Dispose();
    }
}
