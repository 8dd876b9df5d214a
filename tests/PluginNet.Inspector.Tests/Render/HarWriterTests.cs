using System.Text.Json;
using PluginNet.Core.Observation;
using PluginNet.Core.Transports;
using PluginNet.Plugins.Inspector;
using PluginNet.Plugins.Inspector.Render;
using static PluginNet.Inspector.Tests.Observations;

namespace PluginNet.Inspector.Tests.Render;

public sealed class HarWriterTests
{
    [Fact]
    public void Har_HasVersionCreatorAndOneEntryPerFinishedExchange_WithRequestResponseAndContent()
    {
        var inspector = new NetInspector();
        var ok = Started("a.lua", 1, Get("http://127.0.0.1:9/ok?token=t0k&x=1", ("Authorization", "Bearer s3cr3t"), ("Accept", "*/*")), queuedMs: 5);
        inspector.OnHttp(ok);
        inspector.OnHttp(Finished(ok, Response(200, "{\"hello\":1}", connectedMs: 10, firstByteMs: 30) with { Waited = TimeSpan.FromMilliseconds(20) }, 100));
        inspector.OnHttp(Started("a.lua", 2, Get("http://127.0.0.1:9/pending")));

        var log = Har(inspector, unmask: false).GetProperty("log");

        Assert.Equal("1.2", log.GetProperty("version").GetString());
        Assert.Equal("PluginNet inspector", log.GetProperty("creator").GetProperty("name").GetString());
        var entry = Assert.Single(log.GetProperty("entries").EnumerateArray());
        Assert.Equal("2026-01-02T03:04:05.000Z", entry.GetProperty("startedDateTime").GetString());
        var request = entry.GetProperty("request");
        Assert.Equal("GET", request.GetProperty("method").GetString());
        Assert.Equal("http://127.0.0.1:9/ok?token=••••••&x=1", request.GetProperty("url").GetString());
        Assert.Contains(request.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Authorization" && h.GetProperty("value").GetString() == "••••••");
        Assert.Contains(request.GetProperty("queryString").EnumerateArray(), q => q.GetProperty("name").GetString() == "x" && q.GetProperty("value").GetString() == "1");
        var response = entry.GetProperty("response");
        Assert.Equal(200, response.GetProperty("status").GetInt32());
        Assert.Equal("application/json", response.GetProperty("content").GetProperty("mimeType").GetString());
        Assert.Equal("{\"hello\":1}", response.GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(11, response.GetProperty("content").GetProperty("size").GetInt64());
        Assert.Contains(response.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Set-Cookie" && h.GetProperty("value").GetString() == "••••••");
    }

    [Fact]
    public void Har_Timings_SplitTheTotal_BlockedConnectWaitReceive()
    {
        var inspector = new NetInspector();
        var ok = Started("a.lua", 1, Get("http://127.0.0.1:9/ok"), queuedMs: 5);
        inspector.OnHttp(ok);
        inspector.OnHttp(Finished(ok, Response(200, "{}", connectedMs: 10, firstByteMs: 30) with { Waited = TimeSpan.FromMilliseconds(20) }, 100));

        var entry = Har(inspector, unmask: false).GetProperty("log").GetProperty("entries")[0];
        var t = entry.GetProperty("timings");
        Assert.Equal(25, t.GetProperty("blocked").GetDouble(), 3);
        Assert.Equal(10, t.GetProperty("connect").GetDouble(), 3);
        Assert.Equal(20, t.GetProperty("wait").GetDouble(), 3);
        Assert.Equal(45, t.GetProperty("receive").GetDouble(), 3);
        Assert.Equal(0, t.GetProperty("send").GetDouble());
        Assert.Equal(100, entry.GetProperty("time").GetDouble(), 3);
    }

    [Fact]
    public void Har_WithoutMeasuredTimings_ConnectIsMinusOne_AndTheSumStillHolds()
    {
        var inspector = new NetInspector();
        var ok = Started("a.lua", 1, Get("http://127.0.0.1:9/ok"));
        inspector.OnHttp(ok);
        inspector.OnHttp(Finished(ok, Response(200, "{}"), 40));

        var entry = Har(inspector, unmask: false).GetProperty("log").GetProperty("entries")[0];
        var t = entry.GetProperty("timings");
        Assert.Equal(-1, t.GetProperty("connect").GetDouble());
        Assert.Equal(40, t.GetProperty("blocked").GetDouble() + t.GetProperty("wait").GetDouble() + t.GetProperty("receive").GetDouble(), 3);
    }

    [Fact]
    public void Har_Unmasked_ShowsTheSecrets()
    {
        var inspector = new NetInspector();
        var ok = Started("a.lua", 1, Get("http://127.0.0.1:9/ok?token=t0k", ("Authorization", "Bearer s3cr3t")));
        inspector.OnHttp(ok);
        inspector.OnHttp(Finished(ok, Response(200, "{}"), 1));

        var request = Har(inspector, unmask: true).GetProperty("log").GetProperty("entries")[0].GetProperty("request");
        Assert.Equal("http://127.0.0.1:9/ok?token=t0k", request.GetProperty("url").GetString());
        Assert.Equal("Bearer s3cr3t", request.GetProperty("headers")[0].GetProperty("value").GetString());
    }

    [Fact]
    public void Har_CancelledAndFailedExchanges_HaveStatusZeroAndAnError()
    {
        var inspector = new NetInspector();
        var cancelled = Started("a.lua", 1, Get("http://127.0.0.1:9/slow"));
        inspector.OnHttp(cancelled);
        inspector.OnHttp(Finished(cancelled, HttpResult.Failure("cancelled"), 15, cancelled: true));

        var entry = Har(inspector, unmask: false).GetProperty("log").GetProperty("entries")[0];
        Assert.Equal(0, entry.GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal("cancelled", entry.GetProperty("response").GetProperty("_error").GetString());
        Assert.True(entry.GetProperty("_cancelled").GetBoolean());
    }

    [Fact]
    public void Har_WebSocket_IsOneEntryWithChromiumsWebSocketMessages()
    {
        var inspector = new NetInspector();
        inspector.OnWebSocket(Ws("w.lua", 3, WebSocketObservationKind.Connecting));
        inspector.OnWebSocket(Ws("w.lua", 3, WebSocketObservationKind.Opened, atMs: 5));
        inspector.OnWebSocket(Ws("w.lua", 3, WebSocketObservationKind.Sent, "hello", atMs: 10));
        inspector.OnWebSocket(Ws("w.lua", 3, WebSocketObservationKind.Received, "hello", atMs: 12));
        inspector.OnWebSocket(Ws("w.lua", 3, WebSocketObservationKind.Sent, atMs: 13) with { Payload = new byte[] { 1, 2, 255 }, Binary = true });
        inspector.OnWebSocket(Ws("w.lua", 3, WebSocketObservationKind.Closed, atMs: 20));

        var entry = Assert.Single(Har(inspector, unmask: false).GetProperty("log").GetProperty("entries").EnumerateArray());
        Assert.Equal("websocket", entry.GetProperty("_resourceType").GetString());
        Assert.Equal("ws://127.0.0.1:9/echo", entry.GetProperty("request").GetProperty("url").GetString());
        Assert.Equal(101, entry.GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal(1000, entry.GetProperty("_closeCode").GetInt32());
        Assert.Equal(20, entry.GetProperty("time").GetDouble(), 3);
        Assert.Equal(20, entry.GetProperty("timings").GetProperty("receive").GetDouble(), 3);
        var messages = entry.GetProperty("_webSocketMessages").EnumerateArray().ToList();
        Assert.Equal(["send", "receive", "send"], messages.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal([1, 1, 2], messages.Select(m => m.GetProperty("opcode").GetInt32()));
        Assert.Equal("hello", messages[0].GetProperty("data").GetString());
        Assert.Equal(Convert.ToBase64String([1, 2, 255]), messages[2].GetProperty("data").GetString());
        Assert.Equal(T0.AddMilliseconds(10).ToUnixTimeMilliseconds() / 1000.0, messages[0].GetProperty("time").GetDouble(), 3);
    }

    private static JsonElement Har(NetInspector inspector, bool unmask)
    {
        var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            HarWriter.Write(w, inspector.Store.Snapshot(), unmask);
        }

        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }
}
