using System.Net.WebSockets;
using System.Text;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Transport;

public sealed class MessagingTests
{
    [Fact]
    public async Task Listen_SeveralClients_EachGetsAPositiveUniqueIdAndIsCounted()
    {
        await using var harness = ServerHarness.Start();

        var clients = new List<(ClientWebSocket Socket, long Id)>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await harness.ConnectAsync());
        }

        Assert.All(clients, c => Assert.True(c.Id > 0));
        Assert.Equal(3, clients.Select(c => c.Id).Distinct().Count());
        Assert.Equal(3, harness.Server.ClientCount);
        Assert.True(harness.Server.IsOpen);
        Assert.NotEqual(0, harness.Server.Port);
        clients.ForEach(c => c.Socket.Dispose());
    }

    [Fact]
    public async Task Broadcast_ThreeClients_EveryClientReceivesTheText()
    {
        await using var harness = ServerHarness.Start();
        var clients = new[] { await harness.ConnectAsync(), await harness.ConnectAsync(), await harness.ConnectAsync() };

        harness.Server.Broadcast(Encoding.UTF8.GetBytes("état: 42"));

        foreach (var (socket, _) in clients)
        {
            Assert.Equal("état: 42", await socket.ReceiveTextAsync());
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Send_ToOneOfTwoClients_OnlyThatClientReceivesIt()
    {
        await using var harness = ServerHarness.Start();
        var (first, firstId) = await harness.ConnectAsync();
        var (second, _) = await harness.ConnectAsync();

        Assert.True(harness.Server.Send(firstId, Encoding.UTF8.GetBytes("just you")));
        harness.Server.Broadcast(Encoding.UTF8.GetBytes("everyone"));

        Assert.Equal("just you", await first.ReceiveTextAsync());
        Assert.Equal("everyone", await first.ReceiveTextAsync());
        Assert.Equal("everyone", await second.ReceiveTextAsync());
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task Send_UnknownClient_ReturnsFalse()
    {
        await using var harness = ServerHarness.Start();

        Assert.False(harness.Server.Send(12345, "x"u8.ToArray()));
        Assert.False(harness.Server.Disconnect(12345, 1000, ""));
    }

    [Fact]
    public async Task OnMessage_BinaryFromClient_DeliveredByteExact()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();
        var payload = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[100_000]).ToArray();

        await socket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        var message = await harness.Events.NextMessageAsync(id);

        Assert.False(message.IsText);
        Assert.Equal(payload, message.Payload);
        socket.Dispose();
    }

    [Fact]
    public async Task OnMessage_TextFromClient_DeliveredAsItsUtf8Bytes()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        await socket.SendTextAsync("héllo ✓");
        var message = await harness.Events.NextMessageAsync(id);

        Assert.True(message.IsText);
        Assert.Equal(Encoding.UTF8.GetBytes("héllo ✓"), message.Payload);
        socket.Dispose();
    }

    [Fact]
    public async Task OnMessage_FragmentedMessage_ReassembledIntoOne()
    {
        await using var harness = ServerHarness.Start();
        var (socket, id) = await harness.ConnectAsync();

        await socket.SendAsync("frag"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await socket.SendAsync("ment"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await socket.SendAsync(new byte[40_000], WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await socket.SendAsync("ed"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await socket.SendTextAsync("next");

        var whole = await harness.Events.NextMessageAsync(id);
        Assert.Equal("fragment"u8.ToArray().Concat(new byte[40_000]).Concat("ed"u8.ToArray()), whole.Payload);
        Assert.Equal("next", Encoding.UTF8.GetString((await harness.Events.NextMessageAsync(id)).Payload));
        socket.Dispose();
    }

    [Fact]
    public async Task Ping_FromClient_AnsweredWithPongAndNeverReported()
    {
        await using var harness = ServerHarness.Start();
        using var raw = await RawWebSocket.ConnectAsync(harness.Server.Port);
        Assert.Equal(101, await raw.HandshakeAsync(harness.Server.Port));
        var id = await harness.Events.NextOpenAsync();

        await raw.SendFrameAsync(0x9, "are you there"u8.ToArray());
        var pong = await raw.ReadFrameAsync();
        await raw.SendFrameAsync(0x1, "after ping"u8.ToArray());

        Assert.Equal(0xA, pong.Opcode);
        Assert.Equal("are you there"u8.ToArray(), pong.Payload);
        var first = await harness.Events.NextMessageAsync(id);
        Assert.Equal("after ping"u8.ToArray(), first.Payload);
        Assert.Equal(["open", "message"], harness.Events.EventsOf(id));
    }

    [Fact]
    public async Task OnMessage_RawFragmentsWithPingBetween_ReassembledAndPingAnswered()
    {
        await using var harness = ServerHarness.Start();
        using var raw = await RawWebSocket.ConnectAsync(harness.Server.Port);
        Assert.Equal(101, await raw.HandshakeAsync(harness.Server.Port));
        var id = await harness.Events.NextOpenAsync();

        await raw.SendFrameAsync(0x2, [1, 2, 3], fin: false);
        await raw.SendFrameAsync(0x9, [9]);
        await raw.SendFrameAsync(0x0, [4, 5], fin: false);
        await raw.SendFrameAsync(0x0, [6], fin: true);

        Assert.Equal(0xA, (await raw.ReadFrameAsync()).Opcode);
        var message = await harness.Events.NextMessageAsync(id);
        Assert.False(message.IsText);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, message.Payload);
    }
}
