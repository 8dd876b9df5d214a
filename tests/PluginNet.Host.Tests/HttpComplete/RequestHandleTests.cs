using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>The handle net.http returns: req.id, req:is_done(), req:cancel(), against a real server.</summary>
public class RequestHandleTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync(app =>
    {
        app.Map("/ok", () => "fine");

        // Sends a first megabyte of a larger body, then nothing until the client goes away.
        app.Map("/stuck", async context =>
        {
            context.Response.ContentLength = 8L * 1024 * 1024;
            await context.Response.Body.WriteAsync(TestBytes.Pattern(1024 * 1024), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                _aborted.TrySetResult();
            }
        });
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Handle_HasIdAndIsDone_AndIgnoresCancelOnceDone()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            local req
            req = net.http:get("{{_server.Url("/ok")}}", function(r)
              print("callback", r.status, r.body, req:is_done())
              req:cancel() -- done: nothing happens
              print("still", req:is_done())
              script.unload()
            end)
            print(type(req), math.type(req.id), req.id > 0, req:is_done(), tostring(req):match("^HttpRequest %d+ %(pending%)$") ~= nil)
            print(pcall(function() req.id = 5 end))
            local other = net.http:get("{{_server.Url("/ok")}}", function() end)
            print(other.id == req.id + 1)
            """);

        Assert.True(output.Prints.Count == 5, output.Transcript);
        Assert.Equal("userdata\tinteger\ttrue\tfalse\ttrue", output.Prints[0]);
        Assert.Matches(@"^false\t.*HttpRequest\.id is read-only$", output.Prints[1]);
        Assert.Equal("true", output.Prints[2]);
        Assert.Equal("callback\t200\tfine\ttrue", output.Prints[3]);
        Assert.Equal("still\ttrue", output.Prints[4]);
    }

    [Fact]
    public async Task Cancel_MidDownload_CallbackOnceWithCancelled_ServerSeesTheConnectionClose_NoFileLeft()
    {
        var downloads = LuaScripts.NewFolder();
        var run = HttpIntegrationTests.RunAsync($$"""
            local req
            local calls = 0
            req = net.http:get("{{_server.Url("/stuck")}}", {
              save_to_file = "part.bin", timeout = 60,
              on_progress = function(received, total)
                if received > 0 then req:cancel() end
              end,
            }, function(r)
              calls = calls + 1
              print(calls, r.status, r.ok, r.error, #r.body, req:is_done())
              event.on("frame_update", function() script.unload() end)
            end)
            """, downloads);

        await _aborted.Task.WaitAsync(Within);
        var output = await run;

        Assert.Equal("1\t0\tfalse\tcancelled\t0\ttrue", Assert.Single(output.Prints));
        Assert.Empty(Directory.GetFiles(downloads, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Cancel_BeforeTheRequestStarted_AnswersOnceWithCancelled()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            local req = net.http:get("{{_server.Url("/ok")}}", function(r)
              print(r.status, r.ok, r.error, r.body == "", r.url)
              script.unload()
            end)
            req:cancel()
            req:cancel()
            """);

        Assert.Equal("0\tfalse\tcancelled\ttrue\tnil", Assert.Single(output.Prints));
    }
}
