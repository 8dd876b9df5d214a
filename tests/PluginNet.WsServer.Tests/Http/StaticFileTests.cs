using System.Net;
using System.Net.Http.Headers;
using PluginNet.WsServer.Tests.Lua;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Http;

/// <summary>srv:static: ASP.NET Core's static files from a folder of the script's, and nothing outside it.</summary>
public sealed class StaticFileTests
{
    [Fact]
    public async Task Static_FilesWithContentTypes_AndIndexHtmlForAFolder()
    {
        var site = StaticSite.Create();
        await using var lua = await LuaServerScript.StartAsync(path: site.ScriptPath);
        using var http = RouteScript.Client(lua.Port);

        using var home = await http.GetAsync(new Uri("", UriKind.Relative));
        using var app = await http.GetAsync(new Uri("files/app.js", UriKind.Relative));
        using var sub = await http.GetAsync(new Uri("sub/", UriKind.Relative));
        using var inner = await http.GetAsync(new Uri("inner-link.js", UriKind.Relative));

        Assert.Equal("<h1>home</h1>", await home.Content.ReadAsStringAsync());
        Assert.Equal("text/html", home.Content.Headers.ContentType?.MediaType);
        Assert.Equal("console.log('app');", await app.Content.ReadAsStringAsync());
        Assert.Equal("text/javascript", app.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<h1>sub</h1>", await sub.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, inner.StatusCode);
    }

    [Fact]
    public async Task Static_ETagThenIfNoneMatch_304()
    {
        var site = StaticSite.Create();
        await using var lua = await LuaServerScript.StartAsync(path: site.ScriptPath);
        using var http = RouteScript.Client(lua.Port);

        using var first = await http.GetAsync(new Uri("app.js", UriKind.Relative));
        var etag = first.Headers.ETag;
        using var again = new HttpRequestMessage(HttpMethod.Get, "app.js");
        again.Headers.IfNoneMatch.Add(etag!);
        using var second = await http.SendAsync(again);

        Assert.NotNull(etag);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Static_Range_206WithExactlyThoseBytes()
    {
        var site = StaticSite.Create();
        await using var lua = await LuaServerScript.StartAsync(path: site.ScriptPath);
        using var http = RouteScript.Client(lua.Port);
        using var request = new HttpRequestMessage(HttpMethod.Get, "data.bin");
        request.Headers.Range = new RangeHeaderValue(1000, 1999);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 1000-1999/100000", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(site.Data[1000..2000], await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/../private.txt")]
    [InlineData("/files/../private.txt")]
    [InlineData("/%2e%2e/private.txt")]
    [InlineData("/%2E%2E/%2E%2E/private.txt")]
    [InlineData("/files/%2e%2e/private.txt")]
    [InlineData("/..%2fprivate.txt")]
    [InlineData("/%2e%2e%2fprivate.txt")]
    [InlineData("/..%5cprivate.txt")]
    [InlineData("/.%2e/private.txt")]
    [InlineData("//private.txt")]
    [InlineData("/files//etc/passwd")]
    [InlineData("//etc/passwd")]
    [InlineData("/%2fetc%2fpasswd")]
    [InlineData("http://127.0.0.1/../private.txt")]
    [InlineData("/private-link.txt")]
    [InlineData("/up/private.txt")]
    [InlineData("/out/passwd")]
    [InlineData("/files/out/hostname")]
    [InlineData("/files/up/private.txt")]
    [InlineData("/.secret")]
    [InlineData("/private.txt%00.html")]
    public async Task Static_EveryTraversalForm_RefusedAndNothingOutsideServed(string target)
    {
        var site = StaticSite.Create();
        await using var lua = await LuaServerScript.StartAsync(path: site.ScriptPath);
        using var raw = await RawWebSocket.ConnectAsync(lua.Port);

        await raw.SendTextAsync($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        var (status, head) = await raw.ReadResponseHeadAsync();

        Assert.True(status is 400 or 404, $"{target}: {head}");
    }

    [Fact]
    public async Task Static_OutsideRootsOrBadPrefix_LuaErrorAtTheCall()
    {
        var site = StaticSite.Create("""
            local srv = net.ws_server:listen(0, {})
            local function try(...) print(select(2, pcall(srv.static, srv, ...))) end
            try("/", "/etc")
            try("/", "..")
            try("/", "public/out")
            try("/", "missing")
            try("files", "public")
            try("/a/../b", "public")
            try("/x*", "public")
            try("/", 5)
            print(select(2, pcall(srv.route, srv, "GET", "api", function() end)))
            print(select(2, pcall(srv.route, srv, "GE T", "/api", function() end)))
            print(select(2, pcall(srv.route, srv, "GET", "/a*b", function() end)))
            print(select(2, pcall(srv.route, srv, "GET", "/a", "not a function")))
            print("port=" .. srv.port .. " id=" .. srv.id)
            """);
        await using var lua = await LuaServerScript.StartAsync(path: site.ScriptPath);

        var errors = lua.Output.Prints.Take(12).ToArray();
        Assert.Contains("srv:static: folder '/etc' is outside the folders this script may use", errors[0], StringComparison.Ordinal);
        Assert.Contains("srv:static: folder '..' is outside the folders this script may use", errors[1], StringComparison.Ordinal);
        Assert.Contains("srv:static: folder 'public/out' leads to /etc (through a symbolic link), outside", errors[2], StringComparison.Ordinal);
        Assert.Contains("srv:static: folder 'missing' does not exist", errors[3], StringComparison.Ordinal);
        Assert.Contains("bad argument #1 to 'static' (prefix must be a path", errors[4], StringComparison.Ordinal);
        Assert.Contains("bad argument #1 to 'static' (prefix must be a path", errors[5], StringComparison.Ordinal);
        Assert.Contains("bad argument #1 to 'static' (prefix must be a path", errors[6], StringComparison.Ordinal);
        Assert.Contains("bad argument #2 to 'static' (string expected, got number)", errors[7], StringComparison.Ordinal);
        Assert.Contains("bad argument #2 to 'route' (path must start with \"/\"", errors[8], StringComparison.Ordinal);
        Assert.Contains("bad argument #1 to 'route' (method must be an HTTP method", errors[9], StringComparison.Ordinal);
        Assert.Contains("bad argument #2 to 'route' (path must start with \"/\"", errors[10], StringComparison.Ordinal);
        Assert.Contains("bad argument #3 to 'route' (function expected, got string)", errors[11], StringComparison.Ordinal);
    }
}
