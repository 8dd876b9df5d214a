using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// net.http's <c>retry</c> option through the real Http plugin against Kestrel on 127.0.0.1: only idempotent
/// methods unless <c>unsafe</c>, failed connections retried until the server is up, a download started over.
/// </summary>
public class HttpRetryTests
{
    [Theory]
    [InlineData("POST", "", 1)]
    [InlineData("PATCH", "", 1)]
    [InlineData("POST", ", unsafe = true", 3)]
    [InlineData("PUT", "", 3)]
    [InlineData("DELETE", "", 3)]
    public async Task Method_RetriedOnlyWhenIdempotentOrUnsafe(string method, string unsafeFlag, int expected)
    {
        var hits = 0;
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/down", context =>
        {
            Interlocked.Increment(ref hits);
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        }));

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:request("{{server.Url("/down")}}", "{{method}}", { body = "order #1",
              retry = { attempts = 3, on = { 503 }, backoff = 0.05{{unsafeFlag}} } }, function(r)
              print(r.status, r.attempts)
              script.unload()
            end)
            """);

        Assert.Equal($"503\t{expected}", Assert.Single(output.Prints));
        Assert.Equal(expected, hits);
    }

    [Fact]
    public async Task ConnectionRefused_ServerStartsOneSecondLater_RetrySucceeds()
    {
        var port = LoopbackPorts.Free();
        var script = LuaScripts.Write($$"""
            net.http:get("http://127.0.0.1:{{port}}/late", { retry = { attempts = 8, on = { "connect" }, backoff = 0.25, max_delay = 2 } }, function(r)
              print(r.ok, r.body, r.attempts > 1, r.waited >= 0.25)
              script.unload()
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);

        await Task.Delay(TimeSpan.FromSeconds(1));
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/late", context => context.Response.WriteAsync("up now")), port: port);

        var result = await runner.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result == Engine.EngineRunResult.AllScriptsUnloaded, runner.Output.Transcript);
        Assert.Equal("true\tup now\ttrue\ttrue", Assert.Single(runner.Output.Prints));
    }

    [Fact]
    public async Task IdleTimeout_CountsAsATimeout_RetriedAndTheSecondAttemptAnswers()
    {
        var hits = 0;
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/slow-once", async context =>
        {
            if (Interlocked.Increment(ref hits) == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted); // silent until the client gives up
            }

            await context.Response.WriteAsync("fine");
        }));

        // The first attempt is silent for ever, so any idle time ends it; 1 s (not less) leaves the
        // second attempt room on a loaded machine, where 0.3 s sometimes passed before its answer.
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{server.Url("/slow-once")}}", { idle_timeout = 1,
              retry = { attempts = 2, on = { "timeout" }, backoff = 0.05 } }, function(r)
              print(r.ok, r.body, r.attempts)
              script.unload()
            end)
            """);

        Assert.Equal("true\tfine\t2", Assert.Single(output.Prints));
        Assert.Equal(2, hits);
    }

    [Fact]
    public async Task ConnectionRefused_NotInRetryOn_OneAttempt()
    {
        var port = LoopbackPorts.Free();

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("http://127.0.0.1:{{port}}/", { retry = { attempts = 3, on = { 503 } } }, function(r)
              print(r.ok, r.status, r.attempts)
              script.unload()
            end)
            """);

        Assert.Equal("false\t0\t1", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task SaveToFile_FirstAttempt503_FileHoldsOnlyTheSecondBody()
    {
        var hits = 0;
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/file", context =>
        {
            if (Interlocked.Increment(ref hits) == 1)
            {
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "0";
                return context.Response.WriteAsync("the error page of the first attempt");
            }

            return context.Response.WriteAsync("second body");
        }));
        var downloads = LuaScripts.NewFolder();

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{server.Url("/file")}}", { save_to_file = "out.txt", retry = { attempts = 3, on = { 503 }, backoff = 0.05 } }, function(r)
              print(r.ok, r.attempts)
              script.unload()
            end)
            """, downloads);

        Assert.Equal("true\t2", Assert.Single(output.Prints));
        Assert.Equal("second body", await File.ReadAllTextAsync(Path.Combine(downloads, "out.txt")));
        Assert.Equal(["out.txt"], Directory.GetFiles(downloads).Select(Path.GetFileName));
    }

    [Fact]
    public async Task RetryAfterBeyondMaxDelay_WaitsMaxDelayAndSaysSo()
    {
        var hits = 0;
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/slow-down", context =>
        {
            if (Interlocked.Increment(ref hits) == 1)
            {
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "3600";
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("fine");
        }));
        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write($$"""
                net.http:get("{{server.Url("/slow-down")}}", { retry = { attempts = 2, on = { 503 }, max_delay = 0.5 } }, function(r)
                  print(r.ok, r.attempts)
                  script.unload()
                end)
                """)],
            options: o => o with { HttpRateLimits = new Transports.HttpRateLimits(new Dictionary<string, Transports.HostRateLimit>(), TimeSpan.FromSeconds(1)) });
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("true\t2", Assert.Single(runner.Output.Prints));
        Assert.Contains(runner.Output.Logs, l => l.Message.EndsWith("the server asked to wait 3600 s before retrying; waiting retry.max_delay = 0.5 s instead", StringComparison.Ordinal));
        Assert.Contains(runner.Output.Logs, l => l.Message.Contains("asked to wait 3600 s; holding its requests 1 s (limits.http.max_hold_s)", StringComparison.Ordinal));
    }
}
