using System.Diagnostics;
using System.Net;
using System.Text;
using PluginNet.WsServer.Tests.Lua;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Http;

/// <summary>srv:route: handlers in Lua answering real HTTP requests on the server's own port.</summary>
public sealed class RouteTests
{
    public static TheoryData<string> Methods => ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"];

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Route_EveryMethod_BodiesByteExactBothWays(string method)
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);
        var body = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(Encoding.UTF8.GetBytes("\r\n\0 é ✓")).ToArray();
        using var request = new HttpRequestMessage(new HttpMethod(method), "echo") { Content = RouteScript.Bytes(body) };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(method, response.Headers.GetValues("X-Method").Single());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var received = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.ASCII.GetBytes(method + " ").Concat(body).ToArray(), received);
        Assert.Contains($"echo {method} {body.Length}", lua.Output.Prints);
    }

    [Fact]
    public async Task Route_NoExtraHeaders_OnlyWhatTheScriptSaysPlusFraming()
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);

        using var response = await http.GetAsync(new Uri("api/x?a=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("prefix /api/x a=1 remote=true", await response.Content.ReadAsStringAsync());
        var names = response.Headers.Select(h => h.Key).Concat(response.Content.Headers.Select(h => h.Key)).Order().ToArray();
        Assert.Equal(["Content-Length", "Date"], names);
    }

    [Fact]
    public async Task Route_AnsweredLater_FromAWebSocketCallback_WhileBothShareThePort()
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);
        var (socket, _) = await lua.ConnectAsync();

        var pending = http.GetAsync(new Uri("later", UriKind.Relative));
        await lua.WaitForPrintAsync("waiting");
        Assert.False(pending.IsCompleted);
        await TestClients.SendTextAsync(socket, "answer");
        using var response = await pending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Late").Single());
        Assert.Equal("late answer", await response.Content.ReadAsStringAsync());
        await lua.WaitForPrintAsync("late sent true");
        socket.Dispose();
    }

    [Fact]
    public async Task Route_NeverAnswered_504AfterTheAnswerTimeout_AndALateSendReturnsFalse()
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);
        var (socket, _) = await lua.ConnectAsync();
        var clock = Stopwatch.StartNew();

        using var response = await http.GetAsync(new Uri("later", UriKind.Relative));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        await TestClients.SendTextAsync(socket, "answer");
        await lua.WaitForPrintAsync("late sent false");
        socket.Dispose();
    }

    [Fact]
    public async Task Route_HandlerRaises_500AndTheErrorLoggedWithItsTraceback()
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);

        using var response = await http.GetAsync(new Uri("boom", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var logged = lua.Output.Logs.Single(l => l.Message.Contains("boom in handler", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("stack traceback", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_HeaderWithLineBreak_500LoggedAndNothingInjected()
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);

        using var response = await http.GetAsync(new Uri("bad-header", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.False(response.Headers.Contains("X-Evil"));
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        await lua.WaitForPrintAsync("bad header sent false");
        Assert.Contains(lua.Output.Logs, l => l.Level == LogLevel.Error && l.Message.Contains("res:send: header 'X-Evil' has a line break", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Route_AnsweredTwice_FirstWinsSecondReturnsFalse()
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);

        Assert.Equal("one", await http.GetStringAsync(new Uri("twice", UriKind.Relative)));
        await lua.WaitForPrintAsync("first true second false");
    }

    [Theory]
    [InlineData("GET", "/nothing")]
    [InlineData("POST", "/later")]
    [InlineData("GET", "/echo/more")]
    [InlineData("GET", "/ap")]
    public async Task Request_NoRouteNoStaticFile_404(string method, string path)
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/')));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Route_BodyOverTheCap_413AndTheHandlerNeverRuns()
    {
        await using var lua = await LuaServerScript.StartAsync(RouteScript.Script);
        using var http = RouteScript.Client(lua.Port);

        using var declared = await http.PostAsync(new Uri("echo", UriKind.Relative), RouteScript.Bytes(new byte[100_001]));
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "echo") { Content = new StreamContent(new MemoryStream(new byte[150_000])) };
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await http.SendAsync(chunked);
        using var fits = await http.PostAsync(new Uri("echo", UriKind.Relative), RouteScript.Bytes(new byte[100_000]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
        Assert.Equal(["echo POST 100000"], lua.Output.Prints.Where(p => p.StartsWith("echo ", StringComparison.Ordinal)));
    }
}
