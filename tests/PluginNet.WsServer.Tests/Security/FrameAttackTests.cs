using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Security;

/// <summary>
/// Hostile frames after a correct handshake, against the real plugin: the attacker gets the close
/// code RFC 6455 asks for and is dropped, the script hears on_error then on_close once, and a
/// client connected beforehand goes on.
/// </summary>
public sealed class FrameAttackTests
{
    private const int ProtocolError = Documented.ProtocolError;

    public static TheoryData<string, byte[][], int> Violations() => new()
    {
        { "RSV1 set (no extension negotiated)", [RawWebSocket.Frame(0xC1, "hi"u8)], ProtocolError },
        { "RSV2 set", [RawWebSocket.Frame(0xA1, "hi"u8)], ProtocolError },
        { "RSV3 set", [RawWebSocket.Frame(0x91, "hi"u8)], ProtocolError },
        { "RSV1 on a ping", [RawWebSocket.Frame(0xC9, "hi"u8)], ProtocolError },
        { "unknown data opcode 0x3", [RawWebSocket.Frame(0x83, "hi"u8)], ProtocolError },
        { "unknown data opcode 0x7", [RawWebSocket.Frame(0x87, "hi"u8)], ProtocolError },
        { "unknown control opcode 0xB", [RawWebSocket.Frame(0x8B, "hi"u8)], ProtocolError },
        { "unknown control opcode 0xF", [RawWebSocket.Frame(0x8F, []), RawWebSocket.Frame(0x81, "hi"u8)], ProtocolError },
        { "unmasked text frame", [RawWebSocket.Frame(0x81, "hi"u8, masked: false)], ProtocolError },
        { "unmasked ping", [RawWebSocket.Frame(0x89, "hi"u8, masked: false)], ProtocolError },
        { "unmasked empty close", [RawWebSocket.Frame(0x88, [], masked: false)], ProtocolError },
        { "unmasked continuation", [RawWebSocket.Frame(0x01, "a"u8), RawWebSocket.Frame(0x80, "b"u8, masked: false)], ProtocolError },
        { "ping of 126 bytes", [RawWebSocket.Frame(0x89, new byte[126])], ProtocolError },
        { "close of 126 bytes", [RawWebSocket.Frame(0x88, [0x03, 0xE8, .. new byte[124]])], ProtocolError },
        { "fragmented ping", [RawWebSocket.Frame(0x09, "a"u8), RawWebSocket.Frame(0x80, "b"u8)], ProtocolError },
        { "fragmented close", [RawWebSocket.Frame(0x08, [0x03, 0xE8]), RawWebSocket.Frame(0x80, [])], ProtocolError },
        { "continuation with nothing to continue", [RawWebSocket.Frame(0x80, "hi"u8)], ProtocolError },
        { "new message inside a fragmented one", [RawWebSocket.Frame(0x01, "a"u8), RawWebSocket.Frame(0x81, "b"u8)], ProtocolError },
        { "close with a one-byte payload", [RawWebSocket.Frame(0x88, [0x03])], ProtocolError },
        { "close with code 1005 (never sent)", [RawWebSocket.Frame(0x88, [0x03, 0xED])], ProtocolError },
        { "close with code 999", [RawWebSocket.Frame(0x88, [0x03, 0xE7])], ProtocolError },
        { "64-bit length with the top bit set", [[0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]], ProtocolError },
        { "invalid UTF-8 in a text message", [RawWebSocket.Frame(0x81, [0xC3, 0x28])], Documented.InvalidPayload },
        { "invalid UTF-8 across fragments", [RawWebSocket.Frame(0x01, "ok "u8), RawWebSocket.Frame(0x80, [0xED, 0xA0, 0x80])], Documented.InvalidPayload },
        { "overlong UTF-8 encoding of '/'", [RawWebSocket.Frame(0x81, [0xC0, 0xAF])], Documented.InvalidPayload },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Frame_ProtocolViolation_ClosedWithTheRightCodeAndOthersServed(string what, byte[][] frames, int expected)
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.OpenAsync(harness.Server.Port);
        var hostileId = await harness.Events.NextOpenAsync();

        foreach (var frame in frames)
        {
            await hostile.SendAsync(frame);
        }

        Assert.True(expected == await hostile.ReadCloseCodeAsync(), what);
        hostile.ShutdownSend();
        Assert.True(await hostile.ServerDroppedAsync(TestTimeouts.Event), $"{what}: the connection stayed open");
        await harness.Events.ClosedAsync(hostileId);
        Assert.Equal(["open", "error", "close"], harness.Events.EventsOf(hostileId));
        Assert.False(harness.Events.HasMessage(hostileId));
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Fact]
    public async Task Frame_ViolationThenClientNeverCloses_DroppedAfterTheCloseHandshakeTimeout()
    {
        await using var harness = ServerHarness.Start();
        using var hostile = await RawWebSocket.OpenAsync(harness.Server.Port);
        var hostileId = await harness.Events.NextOpenAsync();

        await hostile.SendAsync(RawWebSocket.Frame(0xA1, "hi"u8));
        Assert.Equal(ProtocolError, await hostile.ReadCloseCodeAsync());

        // The server waits up to a second (the close handshake timeout) for the client to go, then
        // drops it. Ten times that tells "dropped" from "kept open" and no busy machine misses it.
        Assert.True(await hostile.ServerDroppedAsync(TimeSpan.FromSeconds(10)), "the connection stayed open");
        Assert.Equal(Documented.AbnormalClosure, (await harness.Events.ClosedAsync(hostileId)).Code);
    }

    [Fact]
    public async Task Frame_ViolationsFromManyClientsAtOnce_EveryOneReadsItsCloseCode()
    {
        // Returning from a failed connection at once let Kestrel reset it, and under load the reset
        // overtook the close frame (a few clients in twenty read "connection reset" instead of 1002).
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        var codes = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            using var hostile = await RawWebSocket.OpenAsync(harness.Server.Port);
            await hostile.SendAsync(i % 2 == 0 ? RawWebSocket.Frame(0xA1, "hi"u8) : RawWebSocket.Frame(0x81, [0xC3, 0x28]));
            return await hostile.ReadCloseCodeAsync();
        }));

        Assert.Equal(30, codes.Count(c => c == ProtocolError));
        Assert.Equal(30, codes.Count(c => c == Documented.InvalidPayload));

        // The socket sends its close frame before the server's receive loop learns of the failure, so a
        // client may read its code before the server stops counting it: wait for every close it reports.
        for (var i = 0; i < codes.Length; i++)
        {
            await harness.Events.ClosedAsync(await harness.Events.NextOpenAsync());
        }

        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Theory]
    [InlineData("text frame in one write", false)]
    [InlineData("header split after its first byte", true)]
    public async Task Frame_UnmaskedAfterMaskedOnes_ClosedWith1002NamingTheRule(string what, bool split)
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.OpenAsync(harness.Server.Port);
        var hostileId = await harness.Events.NextOpenAsync();
        await hostile.SendAsync(RawWebSocket.Frame(0x81, "masked, fine"u8));
        Assert.Equal("masked, fine"u8.ToArray(), (await harness.Events.NextMessageAsync(hostileId)).Payload);

        var unmasked = RawWebSocket.Frame(0x81, "not masked"u8, masked: false);
        if (split)
        {
            await hostile.SendAsync(unmasked.AsMemory(0, 1));
            await Task.Delay(TimeSpan.FromMilliseconds(50)); // a separate segment: the server reads the first byte alone
            await hostile.SendAsync(unmasked.AsMemory(1));
        }
        else
        {
            await hostile.SendAsync(unmasked);
        }

        Assert.True(ProtocolError == await hostile.ReadCloseCodeAsync(), what);
        await harness.Events.ClosedAsync(hostileId);
        Assert.Equal(["open", "message", "error", "close"], harness.Events.EventsOf(hostileId));
        Assert.Equal(
            ["connection failed: a frame from the client was not masked (RFC 6455 §5.1); closed with 1002"],
            harness.Events.ErrorsOf(hostileId));
        Assert.False(harness.Events.HasMessage(hostileId));
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Fact]
    public async Task Frame_MaskedFramesSentOneByteAtATime_AllDelivered()
    {
        // The mask check follows every header byte by byte; a slow but correct client is served.
        await using var harness = ServerHarness.Start();
        using var client = await RawWebSocket.OpenAsync(harness.Server.Port);
        var id = await harness.Events.NextOpenAsync();
        byte[] stream = [
            .. RawWebSocket.Frame(0x81, "a"u8),
            .. RawWebSocket.Frame(0x89, "ping"u8),
            .. RawWebSocket.Frame(0x02, new byte[300]),
            .. RawWebSocket.Frame(0x80, new byte[70_000]),
            .. RawWebSocket.Frame(0x81, []),
        ];

        for (var i = 0; i < 64; i++)
        {
            await client.SendAsync(stream.AsMemory(i, 1));
        }

        await client.SendAsync(stream.AsMemory(64));

        Assert.Equal("a"u8.ToArray(), (await harness.Events.NextMessageAsync(id)).Payload);
        Assert.Equal(70_300, (await harness.Events.NextMessageAsync(id)).Payload.Length);
        Assert.Empty((await harness.Events.NextMessageAsync(id)).Payload);
        Assert.Equal((byte)0xA, (await client.ReadFrameAsync()).Opcode); // the pong
        Assert.Empty(harness.Events.ErrorsOf(id));
    }

    [Fact]
    public async Task Frame_65MegabyteMessageStreamed_ClosedWith1009AndOthersServed()
    {
        const long size = 65L * 1024 * 1024;
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.OpenAsync(harness.Server.Port);
        var hostileId = await harness.Events.NextOpenAsync();

        // One binary frame announcing 65 MB, sent 1 MB at a time from one buffer (zero mask key), while
        // reading: the server closes with 1009 once it has seen more than 64 MB, and may reset us after.
        using var stop = new CancellationTokenSource();
        var streaming = Task.Run(async () =>
        {
            var chunk = new byte[1024 * 1024];
            try
            {
                await hostile.SendAsync(RawWebSocket.FrameHeader(0x82, size));
                for (long sent = 0; sent < size && !stop.IsCancellationRequested; sent += chunk.Length)
                {
                    await hostile.SendAsync(chunk);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // The server stopped reading or reset the connection after its close frame.
            }
        });

        Assert.Equal(Documented.MessageTooBig, await hostile.ReadCloseCodeAsync());
        await stop.CancelAsync();
        Assert.Equal(Documented.MessageTooBig, (await harness.Events.ClosedAsync(hostileId)).Code);
        await streaming.WaitAsync(TestTimeouts.Event);
        Assert.False(harness.Events.HasMessage(hostileId));
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Fact]
    public async Task Frame_HeaderAnnouncesOverTheLimit_ClosedWith1009BeforeTheLimitIsSent()
    {
        await using var harness = ServerHarness.Start();
        using var hostile = await RawWebSocket.OpenAsync(harness.Server.Port);
        var hostileId = await harness.Events.NextOpenAsync();

        // The header says 65 MB; only 256 KB follow. The server must not wait for (and buffer) 64 MB first.
        await hostile.SendAsync(RawWebSocket.FrameHeader(0x82, 65L * 1024 * 1024));
        await hostile.SendAsync(new byte[256 * 1024]);

        Assert.Equal(Documented.MessageTooBig, await hostile.ReadCloseCodeAsync());
        Assert.Equal(Documented.MessageTooBig, (await harness.Events.ClosedAsync(hostileId)).Code);
        Assert.False(harness.Events.HasMessage(hostileId));
    }

    [Theory]
    [InlineData("reset inside the payload", true)]
    [InlineData("FIN inside the payload", false)]
    public async Task Frame_ClientVanishesMidFrame_ReportedAs1006AndOthersServed(string what, bool reset)
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.OpenAsync(harness.Server.Port);
        var hostileId = await harness.Events.NextOpenAsync();

        // A text frame announcing 1000 bytes, of which 10 arrive.
        var frame = RawWebSocket.Frame(0x81, new byte[1000]);
        await hostile.SendAsync(frame.AsMemory(0, frame.Length - 990));
        if (reset)
        {
            hostile.Reset();
        }
        else
        {
            hostile.Dispose();
        }

        Assert.True(Documented.AbnormalClosure == (await harness.Events.ClosedAsync(hostileId)).Code, what);
        Assert.Equal(["open", "error", "close"], harness.Events.EventsOf(hostileId));
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Fact]
    public async Task Handshake_ClientVanishesMidHandshake_NeverAClientAndOthersServed()
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();

        for (var i = 0; i < 20; i++)
        {
            var hostile = await RawWebSocket.ConnectAsync(harness.Server.Port);
            var request = RawWebSocket.HandshakeRequest(harness.Server.Port);
            await hostile.SendTextAsync(request[..(request.Length / 2)]);
            hostile.Reset();
        }

        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }
}
