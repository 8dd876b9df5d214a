using System.Diagnostics;
using System.Net;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Lua;

namespace PluginNet.WsServer.Tests.Http;

/// <summary>Unloading a script in the middle of a request: the request is answered 503 and no handler runs afterwards.</summary>
public sealed class HttpUnloadTests
{
    private const string Script = """
        local srv = net.ws_server:listen(0, {})
        srv:route("GET", "/wait", function(req, res) print("waiting " .. req.query.n) end)
        srv:route("POST", "/unload", function(req, res) print("unloading") script.unload() end)
        print("port=" .. srv.port .. " id=" .. srv.id)
        """;

    [Fact]
    public async Task Unload_InTheMiddleOfARequest_503AtOnce_AndTheServerGone()
    {
        await using var lua = await LuaServerScript.StartAsync(Script);
        using var http = RouteScript.Client(lua.Port);
        var pending = http.GetAsync(new Uri("wait?n=1", UriKind.Relative));
        await lua.WaitForPrintAsync("waiting 1");
        var clock = Stopwatch.StartNew();

        await lua.Runner.InvokeAsync(e => e.UnloadScript(lua.Path));
        using var response = await pending;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("wait?n=2", UriKind.Relative)));
        Assert.DoesNotContain("waiting 2", lua.Output.Prints);
    }

    [Fact]
    public async Task Unload_FromAHandler_ItsOwnRequestAndOthersWaiting_503()
    {
        await using var lua = await LuaServerScript.StartAsync(Script);
        using var http = RouteScript.Client(lua.Port);
        var waiting = http.GetAsync(new Uri("wait?n=1", UriKind.Relative));
        await lua.WaitForPrintAsync("waiting 1");

        using var own = await http.PostAsync(new Uri("unload", UriKind.Relative), null);
        using var other = await waiting;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, own.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);
        Assert.Contains("unloading", lua.Output.Prints);
    }

    [Fact]
    public async Task PluginUnload_InTheMiddleOfARequest_503_AndTheLoadContextIsCollected()
    {
        var site = StaticSite.Create("""
            local srv = net.ws_server:listen(0, {})
            srv:static("/", "public")
            srv:route("GET", "/wait", function(req, res) print("waiting " .. req.query.n) end)
            print("port=" .. srv.port .. " id=" .. srv.id)
            """);
        await using var lua = await LuaServerScript.StartAsync(path: site.ScriptPath);
        using var http = RouteScript.Client(lua.Port);
        Assert.Equal("<h1>home</h1>", await http.GetStringAsync(new Uri("", UriKind.Relative)));
        var pending = http.GetAsync(new Uri("wait?n=1", UriKind.Relative));
        await lua.WaitForPrintAsync("waiting 1");

        var context = await LoadContexts.UnloadPluginAsync(lua.Runner, "WsServer");
        using var response = await pending;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(await LoadContexts.CollectedAsync(context), "the WsServer plugin's load context is still alive after unload");
    }
}
