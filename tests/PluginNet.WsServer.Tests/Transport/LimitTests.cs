using System.Net.WebSockets;
using System.Text;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Transport;

public sealed class LimitTests
{
    [Fact]
    public async Task OnMessage_OverTheLimit_ClosesThatClientWith1009AndServesTheOther()
    {
        const int limit = 1024 * 1024;
        await using var harness = ServerHarness.Start(ServerHarness.Request(maxMessageBytes: limit));
        var (big, bigId) = await harness.ConnectAsync();
        var (other, otherId) = await harness.ConnectAsync();

        await big.SendAsync(new byte[limit + 1], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await big.ReceiveCloseAsync()).Status);
        Assert.Equal(Documented.MessageTooBig, (await harness.Events.ClosedAsync(bigId)).Code);
        Assert.Equal(["open", "error", "close"], harness.Events.EventsOf(bigId));
        Assert.False(harness.Events.HasMessage(bigId));

        await other.SendTextAsync("still served");
        Assert.Equal("still served"u8.ToArray(), (await harness.Events.NextMessageAsync(otherId)).Payload);
        harness.Server.Broadcast("to the rest"u8.ToArray());
        Assert.Equal("to the rest", await other.ReceiveTextAsync());
        Assert.Equal(1, harness.Server.ClientCount);
        big.Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task OnMessage_OneByteOver64MB_ClosesWith1009()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        await socket.SendAsync(
            new byte[Documented.MaxMessageBytes + 1], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await socket.ReceiveCloseAsync()).Status);
        Assert.Equal(Documented.MessageTooBig, (await harness.Events.ClosedAsync(id)).Code);
        socket.Dispose();
    }

    [Fact]
    public async Task OnMessage_OverTheLimitFromAClientStillWritingAfterTheCloseHandshakeTimeout_ConnectionNotResetBeforeItReadsThe1009()
    {
        // A client sending a message over 64 MiB keeps writing it after the server's 1009 (as
        // ClientWebSocket does: it reads only once the send is done). On a busy machine that takes
        // longer than the close handshake timeout (1 s); the server must go on reading and dropping
        // what arrives rather than reset the connection under the client's writes.
        const long overTheLimit = (64L * 1024 * 1024) + 1;
        await using var harness = ServerHarness.Start();
        using var slow = await RawWebSocket.OpenAsync(harness.Server.Port);
        var id = await harness.Events.NextOpenAsync();

        await slow.SendAsync(RawWebSocket.FrameHeader(0x82, overTheLimit));
        var chunk = new byte[64 * 1024];
        var writing = System.Diagnostics.Stopwatch.StartNew();
        while (writing.Elapsed < TimeSpan.FromSeconds(2.5)) // a slow writer, on purpose: well past the 1 s timeout
        {
            await slow.SendAsync(chunk);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(1009, await slow.ReadCloseCodeAsync());
        Assert.Equal(1009, (await harness.Events.ClosedAsync(id)).Code);
    }

    [Fact]
    public async Task OnMessage_Exactly64MB_Delivered()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        await socket.SendAsync(
            new byte[Documented.MaxMessageBytes], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        Assert.Equal(Documented.MaxMessageBytes, (await harness.Events.NextMessageAsync(id)).Payload.Length);
        socket.Dispose();
    }

    [Fact]
    public async Task Broadcast_SlowClientNeverReads_ClosedWith1008WhileAnotherKeepsReceiving()
    {
        await using var harness = ServerHarness.Start(ServerHarness.Request(maxQueuedBytesPerClient: 256 * 1024));
        using var slow = await RawWebSocket.ConnectAsync(harness.Server.Port, receiveBufferBytes: 4096);
        Assert.Equal(101, await slow.HandshakeAsync(harness.Server.Port));
        var slowId = await harness.Events.NextOpenAsync();
        var (fast, _) = await harness.ConnectAsync();
        var payload = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));

        // Broadcast until the slow client's queue passes the limit; the fast one reads every message.
        for (var sent = 0; harness.Server.ClientCount == 2; sent++)
        {
            Assert.True(sent < 2_000, "the slow client was never closed");
            harness.Server.Broadcast(payload);
            Assert.Equal(payload.Length, (await fast.ReceiveMessageAsync()).Payload.Length);
        }

        Assert.False(harness.Server.Send(slowId, payload));
        Assert.Equal(Documented.PolicyViolation, (await harness.Events.ClosedAsync(slowId)).Code);
        Assert.Equal(["open", "error", "close"], harness.Events.EventsOf(slowId));
        harness.Server.Broadcast("after"u8.ToArray());
        Assert.Equal("after", await fast.ReceiveTextAsync());
        fast.Dispose();
    }

    [Fact]
    public async Task Send_OneMessageLargerThanTheQueueLimitToAnIdleClient_Delivered()
    {
        await using var harness = ServerHarness.Start(ServerHarness.Request(maxQueuedBytesPerClient: 64 * 1024));
        var (socket, id) = await harness.ConnectAsync();

        Assert.True(harness.Server.Send(id, new byte[256 * 1024]));

        Assert.Equal(256 * 1024, (await socket.ReceiveMessageAsync()).Payload.Length);
        Assert.Equal(1, harness.Server.ClientCount);
        socket.Dispose();
    }
}
