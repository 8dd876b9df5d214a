using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using PluginNet.Core.Transports;
using PluginNet.Plugins.Inspector;
using static PluginNet.Inspector.Tests.Observations;

namespace PluginNet.Inspector.Tests.Web;

/// <summary>The page's server on a real loopback port: what it serves, and whom it refuses.</summary>
public sealed class InspectorServerTests : IAsyncLifetime
{
    private readonly NetInspector _inspector = new();
    private readonly HttpClient _client = new();
    private Uri _url = null!;

    public async Task InitializeAsync() => _url = await _inspector.StartAsync(0);

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _inspector.DisposeAsync();
    }

    [Fact]
    public async Task Start_BindsLoopbackOnly_AndServesThePage()
    {
        Assert.Equal("127.0.0.1", _url.Host);
        using var response = await _client.GetAsync(_url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("PluginNet inspector", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var script = await _client.GetAsync(new Uri(_url, "inspector.js"));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task Start_OnATakenPort_IsPortInUse()
    {
        await using var other = new NetInspector();
        await Assert.ThrowsAsync<PortInUseException>(() => other.StartAsync(_url.Port));
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "http://127.0.0.1:1")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task Har_FromAnotherOrigin_IsRefused(string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_url, "har"));
        request.Headers.Add(header, value);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ARequestNamingAnotherHost_IsRefused_NoDnsRebinding()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_url, "har"));
        request.Headers.Host = $"rebound.example:{_url.Port}";
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Har_FromItsOwnOrigin_IsServedAsAnAttachment()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_url, "har"));
        request.Headers.Add("Origin", $"http://127.0.0.1:{_url.Port}");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        using var har = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("1.2", har.RootElement.GetProperty("log").GetProperty("version").GetString());
    }

    [Fact]
    public async Task ItemDetail_IsMasked_AndUnmaskedOnlyWhenAsked()
    {
        var started = Started("a.lua", 1, Get("http://127.0.0.1:9/x?token=t0k", ("Authorization", "Bearer s3cr3t")));
        _inspector.OnHttp(started);
        _inspector.OnHttp(Finished(started, Response(200, "{}"), 3));
        var seq = _inspector.Store.Snapshot()[0].Seq;

        var masked = await _client.GetStringAsync(new Uri(_url, $"api/item/{seq}"));
        var unmasked = await _client.GetStringAsync(new Uri(_url, $"api/item/{seq}?unmask=1"));

        Assert.DoesNotContain("s3cr3t", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k", masked, StringComparison.Ordinal);
        Assert.Contains("Bearer s3cr3t", unmasked, StringComparison.Ordinal);
        Assert.Contains("token=t0k", unmasked, StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_url, $"api/item/{seq}?unmask=1"));
        request.Headers.Add("Origin", "http://evil.example");
        using var refused = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task LiveFeed_FromAnotherOrigin_IsRefused()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "http://evil.example");
        var error = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(LiveUrl, CancellationToken.None));
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveFeed_FromItsOwnOrigin_SendsEverythingThenWhatChanges()
    {
        _inspector.OnUdp(Udp("u.lua", 1, PluginNet.Core.Observation.UdpObservationKind.Opened));
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{_url.Port}");
        await socket.ConnectAsync(LiveUrl, CancellationToken.None);

        var first = await ReceiveAsync(socket);
        Assert.True(first.GetProperty("full").GetBoolean());
        Assert.Equal("udp", first.GetProperty("items")[0].GetProperty("kind").GetString());

        _inspector.OnUdp(Udp("u.lua", 1, PluginNet.Core.Observation.UdpObservationKind.Received, [7, 8]));
        JsonElement next;
        do
        {
            next = await ReceiveAsync(socket);
        }
        while (next.GetProperty("items").GetArrayLength() == 0);

        Assert.False(next.GetProperty("full").GetBoolean());
        var item = Assert.Single(next.GetProperty("items").EnumerateArray());
        Assert.Equal("Received", item.GetProperty("event").GetString());
        Assert.Equal(2, item.GetProperty("size").GetInt32());
        Assert.Equal("hex", item.GetProperty("format").GetString());
    }

    private Uri LiveUrl => new($"ws://127.0.0.1:{_url.Port}/live");

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1 << 20];
        var count = 0;
        bool end;
        do
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), limit.Token);
            count += result.Count;
            end = result.EndOfMessage;
        }
        while (!end);

        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, count)).RootElement.Clone();
    }
}
