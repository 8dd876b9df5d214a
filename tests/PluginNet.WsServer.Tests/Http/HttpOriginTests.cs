using System.Net;
using PluginNet.WsServer.Tests.Lua;

namespace PluginNet.WsServer.Tests.Http;

/// <summary>The Origin rule for plain HTTP: a foreign page may not change state (the handshake's rule).</summary>
public sealed class HttpOriginTests
{
    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task StateChangingRequest_ForeignOrigin_403AndTheHandlerNeverRuns(string method)
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);

        foreach (var origin in new[] { "https://evil.example", "http://localhost.evil.example", "null2" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), "echo") { Content = RouteScript.Bytes([1, 2, 3]) };
            request.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // The same request from the server's own page (and without Origin) reaches the handler.
        using var own = new HttpRequestMessage(new HttpMethod(method), "echo") { Content = RouteScript.Bytes([1, 2, 3]) };
        own.Headers.Add("Origin", $"http://127.0.0.1:{lua.Port}");
        using var allowed = await http.SendAsync(own);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal([$"echo {method} 3"], lua.Output.Prints.Where(p => p.StartsWith("echo ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Get_ForeignOrigin_Answered_WithoutAnyCorsHeader()
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/x");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Post_OriginInAllowedOrigins_Answered_OthersStillRefused()
    {
        var config = ServerConfig.Write("""
            "ws_server": { "allowed_origins": ["https://dash.example"] }
            """);
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script, config);
        using var http = RouteScript.Client(lua.Port);

        async Task<HttpStatusCode> PostFrom(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "echo") { Content = RouteScript.Bytes([7]) };
            request.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Created, await PostFrom("https://dash.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostFrom("https://other.example"));
    }
}
