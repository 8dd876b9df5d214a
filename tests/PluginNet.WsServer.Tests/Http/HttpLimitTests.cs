using System.Diagnostics;
using System.Net;
using PluginNet.WsServer.Tests.Lua;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Http;

/// <summary>limits.ws_server in plugins.json bounds plain HTTP: head size, body time, requests at once.</summary>
public sealed class HttpLimitTests
{
    private const string Script = """
        local srv = net.ws_server:listen(0, {})
        srv:route("GET", "/wait", function(req, res) print("waiting " .. req.query.n) end)
        srv:route("*", "/echo", function(req, res) print("echo " .. #req.body) res:send(200, req.body) end)
        print("port=" .. srv.port .. " id=" .. srv.id)
        """;

    [Fact]
    public async Task ConcurrentRequests_OverTheLimit_503AtOnce()
    {
        var config = ServerConfig.Write("""
            "limits": { "ws_server": { "max_concurrent_requests": 2, "answer_timeout_s": 20 } }
            """);
        await using var lua = await LuaServerScript.StartAsync(Script, config);
        using var http = RouteScript.Client(lua.Port);

        var first = http.GetAsync(new Uri("wait?n=1", UriKind.Relative));
        var second = http.GetAsync(new Uri("wait?n=2", UriKind.Relative));
        await lua.WaitForPrintAsync("waiting 1");
        await lua.WaitForPrintAsync("waiting 2");
        using var third = await http.GetAsync(new Uri("wait?n=3", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.False(first.IsCompleted || second.IsCompleted);
        Assert.DoesNotContain("waiting 3", lua.Output.Prints);
    }

    [Fact]
    public async Task SlowBody_DroppedAtTheRequestTimeout_AndTheHandlerNeverRuns()
    {
        var config = ServerConfig.Write("""
            "limits": { "ws_server": { "request_timeout_s": 1 } }
            """);
        await using var lua = await LuaServerScript.StartAsync(Script, config);
        using var raw = await RawWebSocket.ConnectAsync(lua.Port);
        var clock = Stopwatch.StartNew();

        await raw.SendTextAsync("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nab");
        var (status, _) = await raw.ReadResponseHeadAsync();

        Assert.Equal(408, status);
        Assert.True(await raw.ServerDroppedAsync(TimeSpan.FromSeconds(5)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
        Assert.DoesNotContain(lua.Output.Prints, p => p.StartsWith("echo", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Head_OverTheConfiguredCap_431AndDropped_OneUnderItServed()
    {
        var config = ServerConfig.Write("""
            "limits": { "ws_server": { "max_request_head_bytes": 4096 } }
            """);
        await using var lua = await LuaServerScript.StartAsync(Script, config);
        using var http = RouteScript.Client(lua.Port);
        using var big = new HttpRequestMessage(HttpMethod.Get, "echo");
        big.Headers.Add("X-Big", new string('a', 5000));
        using var small = new HttpRequestMessage(HttpMethod.Get, "echo");
        small.Headers.Add("X-Big", new string('a', 3000));

        using var refused = await http.SendAsync(big);
        using var served = await http.SendAsync(small);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
