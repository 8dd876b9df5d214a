using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Security;

/// <summary>
/// Hostile handshakes against the real plugin, from raw sockets on 127.0.0.1: each gets the right
/// 4xx (or is dropped), nobody is counted as a client, and a client connected beforehand goes on.
/// </summary>
public sealed class HandshakeAttackTests
{
    [Theory]
    [InlineData("no key", "Sec-WebSocket-Key", null, 400)]
    [InlineData("key not base64", "Sec-WebSocket-Key", "not base64 at all!", 400)]
    [InlineData("key of 8 bytes", "Sec-WebSocket-Key", "AAAAAAAAAAA=", 400)]
    [InlineData("no Connection: Upgrade", "Connection", "keep-alive", 400)]
    [InlineData("version 8", "Sec-WebSocket-Version", "8", 426)]
    [InlineData("version 14", "Sec-WebSocket-Version", "14", 426)]
    [InlineData("no version", "Sec-WebSocket-Version", null, 426)]
    public async Task Handshake_Malformed_RefusedWithTheRightStatus(string what, string header, string? value, int expected)
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.ConnectAsync(harness.Server.Port);

        await hostile.SendTextAsync(RawWebSocket.HandshakeRequest(harness.Server.Port, new Dictionary<string, string?> { [header] = value }));
        var (status, head) = await hostile.ReadResponseHeadAsync();

        Assert.True(expected == status, $"{what}: got {status}\n{head}");
        if (expected == 426)
        {
            // RFC 6455 §4.4: say which version this server speaks.
            Assert.Contains("Sec-WebSocket-Version: 13\r\n", head, StringComparison.OrdinalIgnoreCase);
        }

        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Fact]
    public async Task Handshake_PostInsteadOfGet_Refused400()
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.ConnectAsync(harness.Server.Port);

        await hostile.SendTextAsync(RawWebSocket.HandshakeRequest(
            harness.Server.Port, new Dictionary<string, string?> { ["Content-Length"] = "0" }, "POST / HTTP/1.1"));

        Assert.Equal(400, (await hostile.ReadResponseHeadAsync()).Status);
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Theory]
    [InlineData("one header of 40 KB", 431)]
    [InlineData("200 headers", 431)]
    [InlineData("request line of 10 KB", 414)]
    public async Task Handshake_OversizedHead_RefusedAndDropped(string what, int expected)
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.ConnectAsync(harness.Server.Port);
        var port = harness.Server.Port;
        var request = what switch
        {
            "one header of 40 KB" => RawWebSocket.HandshakeRequest(port, new Dictionary<string, string?> { ["X-Big"] = new string('a', 40 * 1024) }),
            "200 headers" => RawWebSocket.HandshakeRequest(port, Enumerable.Range(0, 200).ToDictionary(i => $"X-H{i}", i => (string?)"v")),
            _ => RawWebSocket.HandshakeRequest(port, requestLine: $"GET /{new string('a', 10 * 1024)} HTTP/1.1"),
        };

        await hostile.SendTextAsync(request);

        Assert.Equal(expected, (await hostile.ReadResponseHeadAsync()).Status);
        Assert.True(await hostile.ServerDroppedAsync(TestTimeouts.Event), "the connection stayed open");
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Theory]
    [InlineData("binary noise")]
    [InlineData("TLS ClientHello (a wss:// client)")]
    [InlineData("control bytes in a header")]
    [InlineData("header without a colon")]
    public async Task Handshake_GarbageBytes_Refused400AndDropped(string what)
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.ConnectAsync(harness.Server.Port);
        byte[] garbage = what switch
        {
            "binary noise" => [.. Enumerable.Range(0, 512).Select(i => (byte)(i * 37 % 256)), .. "\r\n\r\n"u8.ToArray()],
            "TLS ClientHello (a wss:// client)" => [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03, .. new byte[160]],
            "control bytes in a header" => Encoding.Latin1.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\u0001\u0000b\r\n\r\n"),
            _ => Encoding.Latin1.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nthis is not a header\r\n\r\n"),
        };

        await hostile.SendAsync(garbage);

        Assert.Equal(400, (await hostile.ReadResponseHeadAsync()).Status);
        Assert.True(await hostile.ServerDroppedAsync(TestTimeouts.Event), "the connection stayed open");
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Fact]
    public async Task Handshake_OneBytePerSecond_DroppedAtTheHandshakeTimeout()
    {
        var timeout = TimeSpan.FromSeconds(2);
        await using var harness = ServerHarness.Start(ServerHarness.Request(handshakeTimeout: timeout));
        var (healthy, healthyId) = await harness.ConnectAsync();

        // The upper bound only has to tell the configured 2 s from the 10 s default (Kestrel checks its
        // timeouts once a second): 9 s leaves a busy machine room.
        var (elapsed, sent) = await AttackAssert.DripHandshakeUntilDroppedAsync(harness.Server.Port, limit: TimeSpan.FromSeconds(9));

        Assert.InRange(elapsed, timeout - TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(9));
        Assert.True(sent < RawWebSocket.HandshakeRequest(harness.Server.Port).Length, "the whole handshake went out before the drop");
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://evil.example")]
    [InlineData("https://127.0.0.1.evil.example")]
    [InlineData("http://localhost@evil.example")]
    public async Task Handshake_CrossSiteOrigin_Refused403ByDefault(string origin)
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();
        using var hostile = await RawWebSocket.ConnectAsync(harness.Server.Port);

        await hostile.SendTextAsync(RawWebSocket.HandshakeRequest(harness.Server.Port, new Dictionary<string, string?> { ["Origin"] = origin }));

        Assert.Equal(403, (await hostile.ReadResponseHeadAsync()).Status);
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }
}

/// <summary>The handshake timeout at its default (10 s); its own class so it runs beside the others.</summary>
public sealed class DefaultHandshakeTimeoutTests
{
    [Fact]
    public async Task Handshake_OneBytePerSecondAtTheDefaultTimeout_DroppedAfterTenSeconds()
    {
        await using var harness = ServerHarness.Start();
        var (healthy, healthyId) = await harness.ConnectAsync();

        // The upper bound only has to tell the documented 10 s from Kestrel's own 30 s: 25 s leaves a busy machine room.
        var (elapsed, _) = await AttackAssert.DripHandshakeUntilDroppedAsync(harness.Server.Port, limit: TimeSpan.FromSeconds(25));

        Assert.InRange(elapsed, TimeSpan.FromSeconds(9.9), TimeSpan.FromSeconds(25));
        await AttackAssert.StillServedAsync(harness, healthy, healthyId, expectedClients: 1);
        healthy.Dispose();
    }
}

/// <summary>Checks shared by the attack tests.</summary>
internal static class AttackAssert
{
    /// <summary>
    /// The healthy client's message reaches the server, a broadcast reaches the healthy client, and
    /// exactly <paramref name="expectedClients"/> clients are counted (the attacker is not among them).
    /// </summary>
    public static async Task StillServedAsync(ServerHarness harness, ClientWebSocket healthy, long healthyId, int expectedClients)
    {
        var text = $"still here {Guid.NewGuid():N}";
        await healthy.SendTextAsync(text);
        Assert.Equal(Encoding.UTF8.GetBytes(text), (await harness.Events.NextMessageAsync(healthyId)).Payload);
        harness.Server.Broadcast(Encoding.UTF8.GetBytes("broadcast " + text));
        Assert.Equal("broadcast " + text, await healthy.ReceiveTextAsync());
        Assert.Equal(WebSocketState.Open, healthy.State);
        Assert.Equal(expectedClients, harness.Server.ClientCount);
    }

    /// <summary>
    /// Sends a correct handshake one byte per second until the server drops the connection (or
    /// <paramref name="limit"/> passes, which fails). Returns when it was dropped and how many bytes went out.
    /// </summary>
    public static async Task<(TimeSpan Elapsed, int Sent)> DripHandshakeUntilDroppedAsync(int port, TimeSpan limit)
    {
        using var hostile = await RawWebSocket.ConnectAsync(port);
        var request = Encoding.ASCII.GetBytes(RawWebSocket.HandshakeRequest(port));
        var clock = Stopwatch.StartNew();
        var dropped = hostile.ServerDroppedAsync(limit);
        var sent = 0;
        using var stop = new CancellationTokenSource(limit);
        try
        {
            while (!dropped.IsCompleted && sent < request.Length)
            {
                await hostile.SendAsync(request.AsMemory(sent, 1));
                sent++;
                await Task.WhenAny(dropped, Task.Delay(TimeSpan.FromSeconds(1), stop.Token));
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // A write after the server's reset fails: that is the drop.
        }

        Assert.True(await dropped, $"still connected after {clock.Elapsed.TotalSeconds:0.0} s and {sent} bytes");
        return (clock.Elapsed, sent);
    }
}
