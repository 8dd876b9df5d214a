using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>on_progress, on_chunk, on_event and max_body against a real server.</summary>
public class StreamingTests : IAsyncLifetime
{
    private const int Megabyte = 1024 * 1024;
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync(app =>
    {
        // n megabytes of the test pattern, with or without a Content-Length, in 64 KB writes.
        app.Map("/bytes/{n:int}", async (HttpContext context, int n) =>
        {
            if (context.Request.Query["chunked"].Count == 0)
            {
                context.Response.ContentLength = (long)n * Megabyte;
            }

            var block = TestBytes.Pattern(64 * 1024);
            for (var i = 0; i < n * 16; i++)
            {
                await context.Response.Body.WriteAsync(block, context.RequestAborted);
            }
        });
        app.Map("/events", async context =>
        {
            var last = context.Request.Headers["Last-Event-ID"].ToString();
            var from = last.Length == 0 ? 1 : int.Parse(last, System.Globalization.CultureInfo.InvariantCulture) + 1;
            var count = int.Parse(context.Request.Query["count"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            context.Response.ContentType = "text/event-stream";
            var text = new StringBuilder();
            for (var i = from; i < from + count; i++)
            {
                text.Append(i % 2 == 0 ? "event: even\n" : string.Empty).Append("id: ").Append(i).Append("\ndata: line ").Append(i).Append("\ndata: second\n\n");
                if (text.Length > 4000)
                {
                    await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    text.Clear();
                }
            }

            await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
        });
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("?chunked=1")]
    public async Task Progress_IsMonotonic_AndEndsAtTheTotal(string query)
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            local last, calls, bad = -1, 0, nil
            net.http:get("{{_server.Url("/bytes/4" + query)}}", {
              on_progress = function(received, total)
                calls = calls + 1
                if received < last then bad = "went back from " .. last .. " to " .. received end
                last = received
                print("total", total)
              end,
            }, function(r)
              print("end", r.status, #r.body, last, calls > 0, bad)
              script.unload()
            end)
            """);

        var size = 4 * Megabyte;
        Assert.Equal($"end\t200\t{size}\t{size}\ttrue\tnil", output.Prints[^1]);
        var totals = output.Prints.Where(p => p.StartsWith("total", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Equal([query.Length == 0 ? $"total\t{size}" : "total\t-1"], totals);
    }

    [Fact]
    public async Task OnChunk_GivesTheBodyInOrder_BeforeTheCallback_WithAnEmptyBody()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            {{TestBytes.LuaPatternCheck}}
            local parts, size, pieces = {}, 0, 0
            net.http:get("{{_server.Url("/bytes/2?chunked=1")}}", {
              on_chunk = function(chunk)
                pieces = pieces + 1
                size = size + #chunk
                parts[#parts + 1] = chunk
              end,
            }, function(r)
              print(r.status, r.ok, #r.body, size, pieces > 1, matches_pattern(table.concat(parts)))
              script.unload()
            end)
            """);

        Assert.Equal($"200\ttrue\t0\t{2 * Megabyte}\ttrue\ttrue", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Cancel_FromInsideItsOwnOnChunk_EndsTheRequest()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            local req, pieces = nil, 0
            req = net.http:get("{{_server.Url("/bytes/50")}}", {
              timeout = 60,
              on_chunk = function(chunk)
                pieces = pieces + 1
                req:cancel()
              end,
            }, function(r)
              print(r.status, r.ok, r.error, pieces)
              script.unload()
            end)
            """);

        Assert.Equal("0\tfalse\tcancelled\t1", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task OnChunk_ThatRaises_EndsTheRequestWithOkFalse_AndLogsTheTraceback()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/bytes/50")}}", {
              timeout = 60,
              on_chunk = function(chunk) error("bad chunk handler") end,
            }, function(r)
              print(r.status, r.ok, r.error)
              script.unload()
            end)
            """);

        Assert.Equal("0\tfalse\ton_chunk callback raised an error (see the log for its traceback)", Assert.Single(output.Prints));
        var logged = Assert.Single(output.Logs, l => l.Message.Contains("bad chunk handler", StringComparison.Ordinal));
        Assert.Contains("stack traceback", logged.Message, StringComparison.Ordinal);
        Assert.Contains("net.http on_chunk callback", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnEvent_ThousandEvents_ArriveInOrder_ThenTheCallback()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            local n, bad = 0, nil
            net.http:get("{{_server.Url("/events?count=1000")}}", {
              on_event = function(ev)
                n = n + 1
                local want = (n % 2 == 0 and "even" or "message")
                if ev.event ~= want or ev.id ~= tostring(n) or ev.data ~= "line " .. n .. "\nsecond" then
                  bad = bad or ("event " .. n .. ": " .. tostring(ev.event) .. " " .. tostring(ev.id) .. " " .. tostring(ev.data))
                end
              end,
            }, function(r)
              print(r.status, r.ok, #r.body, n, bad, r.headers["content-type"])
              script.unload()
            end)
            """);

        Assert.Equal("200\ttrue\t0\t1000\tnil\ttext/event-stream", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task OnEvent_ResumesWithLastEventId()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            local last
            net.http:get("{{_server.Url("/events?count=3")}}", { on_event = function(ev) last = ev.id end }, function()
              print("first ended at", last)
              net.http:get("{{_server.Url("/events?count=2")}}", {
                last_event_id = last,
                on_event = function(ev) print(ev.id, ev.data) end,
              }, function() script.unload() end)
            end)
            """);

        Assert.Equal(["first ended at\t3", "4\tline 4\nsecond", "5\tline 5\nsecond"], output.Prints);
    }

    [Theory]
    [InlineData("", "response body is larger than max_body (1048576 bytes)")]
    [InlineData("save_to_file = 'capped.bin',", "response body is larger than max_body (1048576 bytes); the rest was not saved and no file was left")]
    [InlineData("on_chunk = function() end,", "response body is larger than max_body (1048576 bytes); the rest was not streamed")]
    public async Task MaxBody_FailsALargerBody(string mode, string error)
    {
        var downloads = LuaScripts.NewFolder();
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/bytes/2?chunked=1")}}", { {{mode}} max_body = 1048576 }, function(r)
              print(r.status, r.ok, r.error, #r.body)
              script.unload()
            end)
            """, downloads);

        Assert.Equal($"200\tfalse\t{error}\t0", Assert.Single(output.Prints));
        Assert.Empty(Directory.GetFiles(downloads, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task MaxBody_AllowsABodyWithinIt()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/bytes/1")}}", { max_body = 1048576 }, function(r)
              print(r.status, r.ok, #r.body)
              script.unload()
            end)
            """);

        Assert.Equal($"200\ttrue\t{Megabyte}", Assert.Single(output.Prints));
    }
}
