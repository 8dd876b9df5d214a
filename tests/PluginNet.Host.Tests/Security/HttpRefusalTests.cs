using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>
/// Requests the host refuses before anything is sent (Host/Lua/Net/HttpBinder.cs), and the in-memory
/// body cap of the HTTP plugin (Plugins/Http/Internal/ResponseReader.cs).
/// </summary>
public class HttpRefusalTests : IAsyncLifetime
{
    private const long Cap = 64L * 1024 * 1024;
    private int _requests;
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync(app =>
    {
        app.Map("/any", context =>
        {
            Interlocked.Increment(ref _requests);
            return context.Response.WriteAsync("reached");
        });
        app.Map("/big/{how}", async context =>
        {
            Interlocked.Increment(ref _requests);
            if ((string)context.Request.RouteValues["how"]! == "declared")
            {
                context.Response.ContentLength = Cap + 1;
            }

            // One byte over the cap, in 1 MB writes; with no length declared it goes out chunked.
            var chunk = new byte[1024 * 1024];
            try
            {
                for (var i = 0; i < 64; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }

                await context.Response.Body.WriteAsync(new byte[1], context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client stopped reading at the cap.
            }
        });
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("headers = { ['X-A'] = 'v\\r\\nX-Injected: 1' }", "refused: header 'X-A' has a line break or an invalid name")]
    [InlineData("headers = { ['X-A'] = 'v\\nX-Injected: 1' }", "refused: header 'X-A' has a line break or an invalid name")]
    [InlineData("headers = { ['X-A\\r\\nX-Injected'] = '1' }", "refused: header 'X-A\\nX-Injected' has a line break or an invalid name")]
    [InlineData("headers = { ['X-A: 1\\r\\n'] = '1' }", "refused: header 'X-A: 1\\n' has a line break or an invalid name")]
    [InlineData("headers = { ['X-A'] = 'v\\0' }", "refused: header 'X-A' has a line break or an invalid name")]
    [InlineData("content_type = 'text/plain\\r\\nX-Injected: 1'", "refused: content_type contains a line break")]
    public async Task Request_LineBreakInHeaderOrContentType_RefusedAndNothingSent(string options, string error)
    {
        var prints = await RunAsync($$"""
            net.http:request("{{_server.Url("/any")}}", "POST", { body = "x", {{options}} }, function(r)
              print(r.ok, r.status, r.error) script.unload()
            end)
            """);

        Assert.Equal($"false\t0\t{error}", Assert.Single(prints));
        Assert.Equal(0, Volatile.Read(ref _requests));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("ws://127.0.0.1/")]
    [InlineData("gopher://127.0.0.1/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/any")]
    [InlineData("127.0.0.1/any")]
    public async Task Get_SchemeOtherThanHttp_RefusedAndNothingSent(string url)
    {
        var prints = await RunAsync($$"""
            net.http:get("{{url}}", function(r) print(r.ok, r.status, r.error) script.unload() end)
            """);

        Assert.Equal($"false\t0\trefused: '{url}' is not an absolute http:// or https:// URL", Assert.Single(prints));
        Assert.Equal(0, Volatile.Read(ref _requests));
    }

    [Theory]
    [InlineData("declared")]
    [InlineData("chunked")]
    public async Task Get_BodyOver64MB_OkFalseSuggestingSaveToFile(string how)
    {
        var prints = await RunAsync($$"""
            net.http:get("{{_server.Url($"/big/{how}")}}", { timeout = 60 }, function(r)
              print(r.ok, r.status, #r.body, r.error) script.unload()
            end)
            """);

        Assert.Equal("false\t200\t0\tresponse body is larger than 64 MB; use save_to_file to stream it to disk", Assert.Single(prints));
    }

    private static async Task<IReadOnlyList<string>> RunAsync(string lua) =>
        (await EngineRunner.RunToEndAsync(lua, TimeSpan.FromSeconds(60))).Prints;
}
