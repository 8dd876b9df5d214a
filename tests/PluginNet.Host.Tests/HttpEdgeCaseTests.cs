using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// net.http at the edges a modder meets by accident (odd options, odd URLs, odd servers, a failing
/// disk), through the real HTTP plugin against Kestrel on 127.0.0.1: each failure is told in the
/// script's terms.
/// </summary>
public class HttpEdgeCaseTests : IAsyncLifetime
{
    private readonly List<(string Target, string Authorization, string? ContentType)> _received = [];
    private TestHttpServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/echo", async context =>
            {
                lock (_received)
                {
                    _received.Add((context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString(),
                        context.Request.Headers.ContentType.Count == 0 ? null : context.Request.Headers.ContentType.ToString()));
                }

                await context.Response.WriteAsync("echoed");
            });
            app.Map("/loop", context =>
            {
                context.Response.Redirect("/loop");
                return Task.CompletedTask;
            });
            app.Map("/bad-gzip", async context =>
            {
                context.Response.Headers.ContentEncoding = "gzip";
                await context.Response.Body.WriteAsync("this is not gzip at all"u8.ToArray());
            });
            app.Map("/file", context => context.Response.WriteAsync("file body"));
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Get_TimeoutMathHuge_MeansNoTimeoutAndTheResponseArrives()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/echo")}}", { timeout = math.huge }, function(r)
              print(r.ok, r.body, r.error)
              net.http:get("{{_server.Url("/echo")}}", function(r2) print(r2.ok, r2.body, r2.error) script.unload() end, 5000000)
            end)
            """);

        Assert.Equal(["true\techoed\t", "true\techoed\t"], output.Prints);
    }

    [Theory]
    [InlineData("json", "json")]
    [InlineData("", null)]
    [InlineData("application/json; charset=utf-8", "application/json; charset=utf-8")]
    public async Task Post_ContentType_SentAsTheScriptGaveIt(string given, string? sent)
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:post("{{_server.Url("/echo")}}", "{}", "{{given}}", function(r) print(r.ok, r.error) script.unload() end)
            """);

        Assert.Equal("true\t", Assert.Single(output.Prints));
        Assert.Equal(sent, Assert.Single(_received).ContentType);
    }

    [Fact]
    public async Task Get_UrlWithUserInfoAndFragment_SendsBasicAuthorizationWithoutEither()
    {
        var url = _server.Url("/echo?x=1#section").Replace("http://", "http://mod%20user:p%40ss@", StringComparison.Ordinal);

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{url}}", function(r) print(r.ok, r.error) script.unload() end)
            """);

        Assert.Equal("true\t", Assert.Single(output.Prints));
        var (target, authorization, _) = Assert.Single(_received);
        Assert.Equal("/echo?x=1", target);
        Assert.Equal("Basic " + Convert.ToBase64String("mod user:p@ss"u8.ToArray()), authorization);
    }

    [Fact]
    public async Task Get_UserInfoAndAnAuthorizationHeader_TheScriptsHeaderWins()
    {
        var url = _server.Url("/echo").Replace("http://", "http://u:p@", StringComparison.Ordinal);

        await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{url}}", { headers = { Authorization = "Bearer t" } }, function() script.unload() end)
            """);

        Assert.Equal("Bearer t", Assert.Single(_received).Authorization);
    }

    [Fact]
    public async Task Get_PortOutOfRange_SaysSo()
    {
        var output = await HttpIntegrationTests.RunAsync("""
            net.http:get("http://127.0.0.1:99999/x", function(r) print(r.ok, r.status, r.error) script.unload() end)
            """);

        Assert.Equal("false\t0\trefused: port 99999 in 'http://127.0.0.1:99999/x' is out of range (ports go from 1 to 65535)", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Get_RedirectLoop_SaysTooManyRedirects()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/loop")}}", function(r) print(r.ok, r.status, r.error) script.unload() end)
            """);

        Assert.Equal($"false\t0\ttoo many redirects: {_server.Url("/loop")} still redirects (to '{_server.Url("/loop")}') after 10 hops; a redirect loop?", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Get_BrokenGzipBody_SaysTheBodyDoesNotDecompress()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/bad-gzip")}}", function(r) print(r.ok, r.status, r.error) script.unload() end)
            """);

        var port = new Uri(_server.BaseUrl).Port;
        Assert.Equal($"false\t0\tthe response body from 127.0.0.1:{port} does not decompress: its Content-Encoding says gzip, deflate or br, but the data is not; the server sent a broken compressed body", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Get_HeaderTransferEncoding_RefusedWithReasonAndNothingSent()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/echo")}}", { headers = { ["Transfer-Encoding"] = "chunked" } }, function(r)
              print(r.ok, r.status, r.error) script.unload()
            end)
            """);

        Assert.Equal("false\t0\trefused: header 'Transfer-Encoding' is set by the transport from the body (it sends the body with its length); leave it out", Assert.Single(output.Prints));
        Assert.Empty(_received);
    }

    [Fact]
    public async Task SaveToFile_LocalFolderCannotBeCreated_SaysItIsTheFileNotTheConnection()
    {
        var downloads = LuaScripts.NewFolder();
        var blocker = Path.Combine(downloads, "mods");
        await File.WriteAllTextAsync(blocker, "a file where the script wants a folder");

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/file")}}", { save_to_file = "mods/update.zip" }, function(r)
              print(r.ok, r.status, r.error) script.unload()
            end)
            """, downloads);

        var target = Path.Combine(downloads, "mods", "update.zip");
        Assert.Equal($"false\t0\tcould not save the download to {target}: '{blocker}' is a file, so the folder cannot be created there (the response arrived; writing the local file failed)", Assert.Single(output.Prints));
        Assert.Equal(["mods"], Directory.GetFileSystemEntries(downloads).Select(Path.GetFileName));
    }
}
