using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Transport;

public sealed class ProtocolTests
{
    [Fact]
    public async Task OnMessage_TextWithInvalidUtf8_ClientGets1007AndServerReportsErrorThenClose()
    {
        await using var harness = ServerHarness.Start();
        using var raw = await RawWebSocket.ConnectAsync(harness.Server.Port);
        Assert.Equal(101, await raw.HandshakeAsync(harness.Server.Port));
        var id = await harness.Events.NextOpenAsync();

        await raw.SendFrameAsync(0x1, [0xC3, 0x28]);
        var frame = await raw.ReadFrameAsync();

        Assert.Equal(0x8, frame.Opcode);
        Assert.Equal(new byte[] { 0x03, 0xEF }, frame.Payload[..2]);
        Assert.Equal(Documented.AbnormalClosure, (await harness.Events.ClosedAsync(id)).Code);
        Assert.Equal(["open", "error", "close"], harness.Events.EventsOf(id));
    }

    [Fact]
    public async Task OnClose_CloseFrameFromRawClient_EchoedAndReportedOnce()
    {
        await using var harness = ServerHarness.Start();
        using var raw = await RawWebSocket.ConnectAsync(harness.Server.Port);
        Assert.Equal(101, await raw.HandshakeAsync(harness.Server.Port));
        var id = await harness.Events.NextOpenAsync();

        await raw.SendFrameAsync(0x8, [0x0F, 0xA0, (byte)'o', (byte)'k']);
        var echo = await raw.ReadFrameAsync();

        Assert.Equal(0x8, echo.Opcode);
        Assert.Equal(new byte[] { 0x0F, 0xA0 }, echo.Payload[..2]);
        Assert.Equal(new CloseInfo(4000, "ok"), await harness.Events.ClosedAsync(id));
        Assert.True(await raw.ServerDroppedAsync(TestTimeouts.Event));
    }
}
