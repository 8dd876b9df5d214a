using System.Globalization;
using Microsoft.AspNetCore.Builder;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// The host's HTTP governor and retries through the real Http plugin against a local server that enforces
/// a limit (429 with Retry-After in both forms, X-RateLimit-* headers): bursts complete without a 429
/// reaching the script, in order; holds show in <c>status</c>; script unload ends a wait for good.
/// </summary>
public class HttpGovernorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Burst100_OneAtATime_HeldByRemainingZero_NoneRefused_InOrder()
    {
        await using var server = await RateLimitedServer.StartAsync(20, Window, "seconds");

        var output = await RunAsync(BurstScript(server, retry: null), o => o with { MaxConcurrentRequestsPerScript = 1 });

        // The 20th answer of each window says Remaining: 0 and when it resets; the governor holds the 21st until then.
        Assert.Equal($"statuses: \torder: {string.Join(',', Enumerable.Range(1, 100))}\twaited: true", Assert.Single(output.Prints));
        Assert.Equal(0, server.Refused);
        Assert.Equal(Enumerable.Range(1, 100), server.Accepted.Select(a => a.Index));
    }

    // Timing: the 100 arrivals are spread at the configured rate. On a loaded machine the rate can only
    // come out lower, so this runs with the load tests.
    [Fact]
    [Trait(TestCategory.Name, TestCategory.Load)]
    public async Task Burst100_RateLimitsMatchTheServer_ArrivalsAtTheServersRateWithinTenPercent()
    {
        // "reset": a 429 says when the window ends to the millisecond (Retry-After's whole seconds would hold a
        // request that crossed the window edge for up to a second).
        await using var server = await RateLimitedServer.StartAsync(10, Window, "reset");
        var limits = new Transports.HttpRateLimits(
            new Dictionary<string, Transports.HostRateLimit> { ["127.0.0.1"] = new(20, 1) }, TimeSpan.FromSeconds(60));

        var output = await RunAsync(BurstScript(server, retry: "{ attempts = 10, on = { 429 } }"), o => o with { HttpRateLimits = limits });

        Assert.StartsWith("statuses: \torder: ", Assert.Single(output.Prints));
        var accepted = server.Accepted.OrderBy(a => a.At).ToList();
        var rate = (accepted.Count - 1) / (accepted[^1].At - accepted[0].At).TotalSeconds;
        Assert.True(rate is >= 18 and <= 22, $"{rate:0.0} requests/s ({server.Refused} refused): {string.Join(", ", accepted.Select(a => (a.At - accepted[0].At).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)))}");
    }

    [Theory]
    [InlineData("seconds")]
    [InlineData("date")]
    [InlineData("reset")]
    public async Task Burst100_Concurrent_WithRetry_No429ReachesTheScript_EachSentUntilAccepted(string form)
    {
        await using var server = await RateLimitedServer.StartAsync(20, Window, form);

        var output = await RunAsync(BurstScript(server, retry: "{ attempts = 10, on = { 429 } }"));

        var line = Assert.Single(output.Prints);
        Assert.StartsWith("statuses: \torder: ", line); // no status other than 200 reached a callback
        var attempts = int.Parse(line[(line.LastIndexOf("attempts: ", StringComparison.Ordinal) + 10)..], CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(1, 100), server.Accepted.Select(a => a.Index).Order());
        Assert.Equal(100 + server.Refused, attempts); // every 429 was answered by exactly one more attempt
    }

    [Fact]
    public async Task UnloadDuringHold_NothingSentNoCallback_StatusShowedTheHold()
    {
        var hits = 0;
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/busy", context =>
        {
            Interlocked.Increment(ref hits);
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "30";
            return Task.CompletedTask;
        }));
        var script = LuaScripts.Write($$"""
            net.http:get("{{server.Url("/busy")}}", function(r)
              print("first", r.status)
              net.http:get("{{server.Url("/busy")}}", function(r2) print("second", r2.status) end)
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.Output.WaitForPrintAsync(p => p == "first\t429", TimeSpan.FromSeconds(30));

        string? held = null;
        for (var i = 0; i < 300 && held is null; i++)
        {
            await runner.InvokeAsync(e => held = e.Status().SelectMany(s => s.Resources).Select(r => r.Describe()).FirstOrDefault(d => d.Contains("held", StringComparison.Ordinal)));
            await Task.Delay(100);
        }

        IReadOnlyList<(string Target, TimeSpan Left)> holds = [];
        await runner.InvokeAsync(e => holds = e.HttpHolds());
        Assert.Equal(new Uri(server.Url("/")).Authority, Assert.Single(holds).Target);
        Assert.NotNull(held);
        Assert.Contains("asked for a pause", held, StringComparison.Ordinal);
        IReadOnlyList<(string Script, IReadOnlyList<Core.Resources.LedgerEntry> Resources)>? after = null;
        await runner.InvokeAsync(e =>
        {
            Assert.True(e.UnloadScript(script));
            after = e.Status();
        });
        Assert.Empty(after!);

        // The engine ends with its last script; had the request gone on waiting (or been sent), a second hit
        // or a callback would show by then.
        await runner.WaitForExitAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Volatile.Read(ref hits));
        Assert.DoesNotContain(runner.Output.Prints, p => p.StartsWith("second", StringComparison.Ordinal));
    }

    private static string BurstScript(RateLimitedServer server, string? retry) => $$"""
        local n, done, bad, order, waited, attempts = 100, 0, {}, {}, 0, 0
        for i = 1, n do
          net.http:get("{{server.Url(0)[..^1]}}" .. i, { retry = {{retry ?? "nil"}}, timeout = 30 }, function(r)
            done = done + 1
            order[#order + 1] = i
            if r.status ~= 200 then bad[#bad + 1] = r.status .. " " .. r.error end
            waited = waited + r.waited
            attempts = attempts + r.attempts
            if done == n then
              print("statuses: " .. table.concat(bad, ","), "order: " .. table.concat(order, ","),
                {{(retry is null ? "\"waited: \" .. tostring(waited > 0)" : "\"attempts: \" .. attempts")}})
              script.unload()
            end
          end)
        end
        """;

    private static Task<RecordingOutput> RunAsync(string lua, Func<Engine.EngineOptions, Engine.EngineOptions>? options = null) =>
        EngineRunner.RunToEndAsync(lua, TimeSpan.FromSeconds(120), options: options);
}
