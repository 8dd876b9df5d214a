using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>net.http through the real HTTP plugin, loaded from the plugin folder, against Kestrel on 127.0.0.1.</summary>
public class HttpIntegrationTests : IAsyncLifetime
{
    private static readonly byte[] Binary = TestBytes.Pattern(1024 * 1024);
    private readonly List<(string Method, string Path, Dictionary<string, string> Headers, byte[] Body)> _received = [];
    private TestHttpServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/echo", async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                lock (_received)
                {
                    _received.Add((context.Request.Method, context.Request.Path,
                        context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
                }

                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(body.ToArray());
            });
            app.Map("/binary", context => context.Response.Body.WriteAsync(Binary).AsTask());
            app.Map("/status/{code:int}", async context =>
            {
                context.Response.StatusCode = int.Parse((string)context.Request.RouteValues["code"]!);
                await context.Response.WriteAsync("status body");
            });
            app.Map("/slow", async context =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            });
            app.Map("/die-midway", async context =>
            {
                context.Response.ContentLength = 10 * 1024 * 1024;
                await context.Response.Body.WriteAsync(TestBytes.Pattern(1024 * 1024));
                await context.Response.Body.FlushAsync();
                context.Abort();
            });
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task Request_EachMethod_ReachesServerWithBodyAndHeaders(string method)
    {
        var output = await RunAsync($$"""
            net.http:request("{{_server.Url("/echo")}}", "{{method}}", { body = "payload", content_type = "text/plain",
              headers = { ["X-Custom"] = "v1" } }, function(r) print(r.status, r.ok, r.body) script.unload() end)
            """);

        var (seenMethod, _, headers, body) = Assert.Single(_received);
        Assert.Equal(method, seenMethod);
        Assert.Equal("v1", headers["X-Custom"]);
        Assert.StartsWith("text/plain", headers["Content-Type"]);
        Assert.Equal("payload"u8.ToArray(), body);
        Assert.Equal("200\ttrue\tpayload", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task SeedSignatures_AllFive_Complete()
    {
        var echo = _server.Url("/echo");
        var output = await RunAsync($$"""
            local left = 5
            local function done(tag) return function(r) print(tag, r.status, r.ok) left = left - 1 if left == 0 then script.unload() end end end
            net.http:get("{{echo}}", done("get1"), 5)
            net.http:get("{{echo}}", { headers = { ["X-Trace-Id"] = "abc" }, timeout = 5 }, done("get2"))
            net.http:post("{{echo}}", '{"event":"hello"}', "application/json", done("post1"), 5)
            net.http:post("{{echo}}", { headers = { Authorization = "Bearer t" }, body = json.encode({ event = "hello" }), content_type = "application/json" }, done("post2"))
            net.http:request("{{echo}}", "DELETE", { headers = { Authorization = "Bearer t" } }, done("request"))
            """);

        Assert.Equal(["get1\t200\ttrue", "get2\t200\ttrue", "post1\t200\ttrue", "post2\t200\ttrue", "request\t200\ttrue"], output.Prints.Order());
        Assert.Equal(5, _received.Count);
        Assert.Contains(_received, r => r.Headers.GetValueOrDefault("Authorization") == "Bearer t" && r.Method == "POST");
        Assert.Contains(_received, r => r.Headers.GetValueOrDefault("X-Trace-Id") == "abc");
    }

    [Fact]
    public async Task Binary_OneMegabyteBothWays_IsByteExact()
    {
        // The script receives all 256 byte values, checks them, and posts the same bytes back.
        var output = await RunAsync($$"""
            net.http:get("{{_server.Url("/binary")}}", function(r)
              local ok = #r.body == {{Binary.Length}}
              for i = 1, #r.body, 997 do
                if r.body:byte(i) ~= (i - 1) * 7 % 256 then ok = false end
              end
              print("download", #r.body, ok)
              net.http:post("{{_server.Url("/echo")}}", r.body, "application/octet-stream", function(r2)
                print("roundtrip", #r2.body, r2.body == r.body)
                script.unload()
              end)
            end)
            """);

        Assert.Equal([$"download\t{Binary.Length}\ttrue", $"roundtrip\t{Binary.Length}\ttrue"], output.Prints);
        Assert.Equal(Binary, Assert.Single(_received).Body);
    }

    [Fact]
    public async Task Get_ServerSlowerThanTimeout_FailsNearTheTimeoutSayingSo()
    {
        var clock = Stopwatch.StartNew();
        var output = await RunAsync($$"""
            net.http:get("{{_server.Url("/slow")}}", function(r) print(r.status, r.ok, r.error) script.unload() end, 1)
            """);

        clock.Stop();
        var line = Assert.Single(output.Prints);
        Assert.StartsWith("0\tfalse\ttimed out after 1 s", line);
        // Not before the 1 s asked for; and under the 10 s default it would take if the argument were
        // ignored (the upper bound leaves a busy machine 8 s of room: it only has to tell 1 s from 10 s).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(9));
    }

    [Theory]
    [InlineData(404, "HTTP 404 Not Found")]
    [InlineData(500, "HTTP 500 Internal Server Error")]
    [InlineData(301, "HTTP 301 Moved Permanently")]
    public async Task Get_NonSuccessStatus_OkFalseWithStatusBodyAndError(int code, string error)
    {
        var output = await RunAsync($$"""
            net.http:get("{{_server.Url($"/status/{code}")}}", function(r) print(r.status, r.ok, r.body, r.error) script.unload() end)
            """);

        Assert.Equal($"{code}\tfalse\tstatus body\t{error}", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Get_RefusedPort_SaysConnectionRefused()
    {
        var output = await RunAsync("""net.http:get("http://127.0.0.1:1/", function(r) print(r.status, r.ok, r.error) script.unload() end)""");

        Assert.Equal("0\tfalse\tconnection refused by 127.0.0.1:1; is the server running, and is the port right?", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Get_UnknownHost_SaysDnsFailed()
    {
        // The lookup fails in a resolver the test gives the engine: nothing asks the machine's DNS.
        var asked = new List<string>();
        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write("""net.http:get("http://no-such-host.invalid/", function(r) print(r.ok, r.error) script.unload() end)""")],
            options: o => o with
            {
                Resolver = (name, _) =>
                {
                    lock (asked)
                    {
                        asked.Add(name);
                    }

                    return Task.FromException<System.Net.IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
                },
            });
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("false\tDNS lookup failed for 'no-such-host.invalid'", Assert.Single(runner.Output.Prints));
        Assert.Equal(["no-such-host.invalid"], asked);
    }

    [Fact]
    public async Task SaveToFile_ServerDiesMidway_OkFalseAndNoFileLeft()
    {
        var downloads = LuaScripts.NewFolder();
        var output = await RunAsync($$"""
            net.http:get("{{_server.Url("/die-midway")}}", { save_to_file = "partial.bin" }, function(r)
              print(r.ok, r.status) script.unload()
            end)
            """, downloads);

        Assert.Equal("false\t0", Assert.Single(output.Prints));
        Assert.Empty(Directory.GetFiles(downloads, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SaveToFile_PathEscapingTheFolder_RefusedAndNothingSent()
    {
        var output = await RunAsync($$"""
            net.http:get("{{_server.Url("/echo")}}", { save_to_file = "../outside.bin" }, function(r)
              print(r.ok, r.status, r.error) script.unload()
            end)
            """);

        Assert.StartsWith("false\t0\trefused: save_to_file '../outside.bin' is outside the download folder", Assert.Single(output.Prints));
        Assert.Empty(_received);
    }

    internal static Task<RecordingOutput> RunAsync(string lua, string? downloads = null) =>
        EngineRunner.RunToEndAsync(lua, TimeSpan.FromSeconds(60), options: o => downloads is null ? o : o with { DownloadDirectory = downloads });
}
