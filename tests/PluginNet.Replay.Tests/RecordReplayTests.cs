using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Replay.Tests;

/// <summary>
/// Record a real script's traffic against Kestrel through the real Http plugin, stop the server,
/// replay it through the Replay plugin, and compare what the script's callbacks saw.
/// </summary>
public class RecordReplayTests
{
    private const string Text = "héllo — 世界 🎲";
    private static readonly byte[] Small = TestBytes.Pattern(1024);
    private static readonly byte[] Large = TestBytes.Pattern(1024 * 1024);

    [Fact]
    public async Task RecordThenReplay_ScriptTraffic_SameCallbacksWithServerStopped()
    {
        var setup = new ReplaySetup();
        var server = await StartServerAsync();
        var lua = ReplaySetup.InOrder + $$"""
            in_order({
              function(k) net.http:get("{{server.Url("/hello")}}", k) end,
              function(k) net.http:get("{{server.Url("/text")}}", { headers = { ["X-Trace-Id"] = "abc", Authorization = "Bearer secret" } }, k) end,
              function(k) net.http:post("{{server.Url("/echo")}}", '{"event":"hello"}', "application/json", k) end,
              function(k) net.http:post("{{server.Url("/echo")}}", '{"event":"bye"}', "application/json", k) end,
              function(k) net.http:request("{{server.Url("/echo")}}", "PUT", { body = "put body" }, k) end,
              function(k) net.http:get("{{server.Url("/status/404")}}", k) end,
              function(k) net.http:get("http://127.0.0.1:1/refused", k) end,
            }, function(n, r) print(n, r.status, r.ok, r.body, r.error) end)
            """;

        var recorded = await ReplaySetup.RunAsync(setup.Config("record"), lua);
        await server.DisposeAsync();
        var replayed = await ReplaySetup.RunAsync(setup.Config("replay"), lua);

        Assert.Equal(
            [
                "1\t200\ttrue\thello, world\t",
                $"2\t200\ttrue\t{Text}\t",
                "3\t200\ttrue\t{\"event\":\"hello\"}\t",
                "4\t200\ttrue\t{\"event\":\"bye\"}\t",
                "5\t200\ttrue\tput body\t",
                "6\t404\tfalse\tstatus body\tHTTP 404 Not Found",
                "7\t0\tfalse\t\tconnection refused by 127.0.0.1:1; is the server running, and is the port right?",
            ],
            recorded.Prints);
        Assert.Equal(recorded.Prints, replayed.Prints);
        Assert.Equal(7, setup.ExchangeFiles().Length);
    }

    [Fact]
    public async Task Record_TextExchange_WritesReadableJsonWithSecretsRedacted()
    {
        var setup = new ReplaySetup();
        await using var server = await StartServerAsync();

        await ReplaySetup.RunAsync(setup.Config("record"), $$"""
            net.http:get("{{server.Url("/text")}}", { headers = { ["X-Trace-Id"] = "abc", Authorization = "Bearer secret" } }, function(r) script.unload() end)
            """);

        var file = Assert.Single(setup.ExchangeFiles());
        Assert.Matches(@"^0001-get-127\.0\.0\.1-\d+-text\.json$", Path.GetFileName(file));
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("\"body\": \"héllo — 世界 \\uD83C\\uDFB2\"", text, StringComparison.Ordinal); // readable; only the emoji is escaped
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        var request = json.RootElement.GetProperty("request");
        var response = json.RootElement.GetProperty("response");
        Assert.Equal(2, json.RootElement.GetProperty("version").GetInt32());
        Assert.Equal(("GET", server.Url("/text")), (request.GetProperty("method").GetString(), request.GetProperty("url").GetString()));
        Assert.False(request.TryGetProperty("body", out _)); // empty body: no body fields
        Assert.Equal("abc", request.GetProperty("headers").GetProperty("X-Trace-Id").GetString());
        Assert.Equal("<redacted>", request.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal((200, true, ""), (response.GetProperty("status").GetInt32(), response.GetProperty("ok").GetBoolean(), response.GetProperty("error").GetString()));
        Assert.Equal((Text, "utf-8"), (response.GetProperty("body").GetString(), response.GetProperty("body_encoding").GetString()));
    }

    [Fact]
    public async Task RecordThenReplay_BinaryBodiesBothWays_ByteExact()
    {
        // Small binary bodies are stored inline as base64; a 1 MB body goes to a side file.
        var setup = new ReplaySetup();
        var server = await StartServerAsync();
        var lua = ReplaySetup.InOrder + TestBytes.LuaPatternCheck + $$"""
            local small, large
            in_order({
              function(k) net.http:get("{{server.Url("/binary/small")}}", function(r) small = r.body k(r) end) end,
              function(k) net.http:get("{{server.Url("/binary/large")}}", function(r) large = r.body k(r) end) end,
              function(k) net.http:post("{{server.Url("/echo")}}", small, "application/octet-stream", k) end,
              function(k) net.http:post("{{server.Url("/echo")}}", large, "application/octet-stream", k) end,
            }, function(n, r) print(n, r.status, r.ok, #r.body, matches_pattern(r.body)) end)
            """;

        var recorded = await ReplaySetup.RunAsync(setup.Config("record"), lua);
        await server.DisposeAsync();
        var replayed = await ReplaySetup.RunAsync(setup.Config("replay"), lua);

        Assert.Equal(["1\t200\ttrue\t1024\ttrue", "2\t200\ttrue\t1048576\ttrue", "3\t200\ttrue\t1024\ttrue", "4\t200\ttrue\t1048576\ttrue"], recorded.Prints);
        Assert.Equal(recorded.Prints, replayed.Prints);
        var files = setup.ExchangeFiles();
        using var smallGet = JsonDocument.Parse(await File.ReadAllBytesAsync(files[0]));
        var smallResponse = smallGet.RootElement.GetProperty("response");
        Assert.Equal("base64", smallResponse.GetProperty("body_encoding").GetString());
        Assert.Equal(Small, smallResponse.GetProperty("body").GetBytesFromBase64());
        using var largeGet = JsonDocument.Parse(await File.ReadAllBytesAsync(files[1]));
        var sideFile = largeGet.RootElement.GetProperty("response").GetProperty("body_file").GetString()!;
        Assert.Equal(Large, await File.ReadAllBytesAsync(Path.Combine(setup.Cassettes, sideFile)));
    }

    [Fact]
    public async Task Replay_RepeatedIdenticalRequests_ServedInRecordedOrderThenLastRepeats()
    {
        var setup = new ReplaySetup();
        var server = await StartServerAsync();
        var counter = server.Url("/counter");
        var recorded = await ReplaySetup.RunAsync(setup.Config("record"), ReplaySetup.InOrder + $$"""
            local function get(k) net.http:get("{{counter}}", k) end
            in_order({ get, get, get }, function(n, r) print(r.body) end)
            """);
        await server.DisposeAsync();

        // All four at once: each gets the recording of its rank in the order the script asked.
        var replayed = await ReplaySetup.RunAsync(setup.Config("replay"), $$"""
            local results, left = {}, 4
            for i = 1, 4 do
              net.http:get("{{counter}}", function(r)
                results[i] = r.body
                left = left - 1
                if left == 0 then print(table.concat(results, " ")) script.unload() end
              end)
            end
            """);

        Assert.Equal(["n=1", "n=2", "n=3"], recorded.Prints);
        Assert.Equal("n=1 n=2 n=3 n=3", Assert.Single(replayed.Prints));
    }

    [Fact]
    public async Task Record_TwiceIntoOneFolder_AddsAfterExistingAndReplaysTheFirstRecordingFirst()
    {
        var setup = new ReplaySetup();
        var server = await StartServerAsync();
        var lua = $$"""net.http:get("{{server.Url("/counter")}}", function(r) print(r.body) script.unload() end)""";

        await ReplaySetup.RunAsync(setup.Config("record"), lua);
        await ReplaySetup.RunAsync(setup.Config("record"), lua);
        await server.DisposeAsync();
        var replayed = await ReplaySetup.RunAsync(setup.Config("replay"), lua);

        Assert.Equal(["0001", "0002"], setup.ExchangeFiles().Select(f => Path.GetFileName(f)[..4]));
        Assert.Equal(["n=1"], replayed.Prints);
    }

    [Fact]
    public async Task Replay_SaveToFile_WritesTheRecordedBodyToDisk()
    {
        var setup = new ReplaySetup();
        var server = await StartServerAsync();
        var lua = ReplaySetup.InOrder + $$"""
            in_order({
              function(k) net.http:get("{{server.Url("/binary/large")}}", { save_to_file = "files/large.bin" }, k) end,
              function(k) net.http:get("{{server.Url("/binary/small")}}", { save_to_file = "small.bin" }, k) end,
              function(k) net.http:get("{{server.Url("/status/404")}}", { save_to_file = "missing.bin" }, k) end,
            }, function(n, r) print(n, r.status, r.ok, r.body, r.error) end)
            """;
        var recordDownloads = LuaScripts.NewFolder();
        var replayDownloads = LuaScripts.NewFolder();

        var recorded = await ReplaySetup.RunAsync(setup.Config("record"), lua, recordDownloads);
        await server.DisposeAsync();
        var replayed = await ReplaySetup.RunAsync(setup.Config("replay"), lua, replayDownloads);

        Assert.Equal(["1\t200\ttrue\t\t", "2\t200\ttrue\t\t", "3\t404\tfalse\tstatus body\tHTTP 404 Not Found"], recorded.Prints);
        Assert.Equal(recorded.Prints, replayed.Prints);
        Assert.Equal(Large, await File.ReadAllBytesAsync(Path.Combine(replayDownloads, "files", "large.bin")));
        Assert.Equal(Small, await File.ReadAllBytesAsync(Path.Combine(replayDownloads, "small.bin")));
        // Exactly the two files, no temporary leftovers, nothing for the 404.
        Assert.Equal(2, Directory.GetFiles(replayDownloads, "*", SearchOption.AllDirectories).Length);
    }

    private static async Task<TestHttpServer> StartServerAsync()
    {
        var count = 0;
        return await TestHttpServer.StartAsync(app =>
        {
            app.Map("/hello", () => "hello, world");
            app.Map("/text", async context =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(Text));
            });
            app.Map("/echo", async context =>
            {
                context.Response.ContentType = context.Request.ContentType ?? "application/octet-stream";
                await context.Request.Body.CopyToAsync(context.Response.Body);
            });
            app.Map("/status/{code:int}", async context =>
            {
                context.Response.StatusCode = int.Parse((string)context.Request.RouteValues["code"]!);
                await context.Response.WriteAsync("status body");
            });
            app.Map("/counter", () => $"n={Interlocked.Increment(ref count)}");
            app.Map("/binary/small", context => context.Response.Body.WriteAsync(Small).AsTask());
            app.Map("/binary/large", context => context.Response.Body.WriteAsync(Large).AsTask());
        });
    }
}
