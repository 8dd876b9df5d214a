using System.Net;
using System.Net.WebSockets;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Transport;

public sealed class HandshakeTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    [InlineData("http://localhost:8080")]
    [InlineData("https://localhost")]
    [InlineData("http://127.0.0.1:5500")]
    [InlineData("HTTP://LOCALHOST:3000")]
    public async Task Handshake_LocalOrNoOrigin_Accepted(string? origin)
    {
        await using var harness = ServerHarness.Start();

        var (socket, id) = await harness.ConnectAsync(origin);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.True(id > 0);
        socket.Dispose();
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://localhost.evil.example")]
    [InlineData("http://127.0.0.1.evil.example:8080")]
    [InlineData("file://")]
    [InlineData("not a url")]
    public async Task Handshake_ForeignOrigin_Refused403(string origin)
    {
        await using var harness = ServerHarness.Start();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(harness.Url, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        Assert.Equal(0, harness.Server.ClientCount);
    }

    [Fact]
    public async Task Handshake_OriginInAllowedOrigins_AcceptedAndOthersStillRefused()
    {
        await using var harness = ServerHarness.Start(ServerHarness.Request(allowedOrigins: ["https://dash.example/"]));
        using var raw = await RawWebSocket.ConnectAsync(harness.Server.Port);
        using var refused = await RawWebSocket.ConnectAsync(harness.Server.Port);

        Assert.Equal(101, await raw.HandshakeAsync(harness.Server.Port, origin: "https://dash.example"));
        Assert.Equal(403, await refused.HandshakeAsync(harness.Server.Port, origin: "https://other.example"));
        await harness.Events.NextOpenAsync();
    }

    // Before routes and static folders (issue 17) a plain request got 426; it is plain HTTP now.
    [Fact]
    public async Task Request_PlainHttpWithoutRoutes_Gets404()
    {
        await using var harness = ServerHarness.Start();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{harness.Server.Port}/"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, harness.Server.ClientCount);
    }

    [Fact]
    public async Task Handshake_NotCompletedInTime_Dropped()
    {
        await using var harness = ServerHarness.Start(ServerHarness.Request(handshakeTimeout: TimeSpan.FromSeconds(1)));
        using var raw = await RawWebSocket.ConnectAsync(harness.Server.Port);

        await raw.SendTextAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");

        // Kestrel checks its timeouts once a second: allow for that, and no more.
        Assert.True(await raw.ServerDroppedAsync(TimeSpan.FromSeconds(5)));
    }
}
