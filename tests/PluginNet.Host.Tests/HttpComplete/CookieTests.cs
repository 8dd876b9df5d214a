using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>cookies = true: each script keeps its own jar, across redirects, through the real HTTP plugin.</summary>
public class CookieTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _firstHasCookies = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestHttpServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestHttpServer.StartAsync(app =>
        {
            // Sets a cookie and redirects: the next hop must already carry it.
            app.Map("/login/{who}", context =>
            {
                var who = (string)context.Request.RouteValues["who"]!;
                context.Response.Headers.Append("Set-Cookie", $"session={who}; Path=/");
                context.Response.Headers.Append("Set-Cookie", "theme=dark; Path=/");
                context.Response.Redirect("/whoami");
                return Task.CompletedTask;
            });
            app.Map("/whoami", context => context.Response.WriteAsync("cookie: " + context.Request.Headers.Cookie.ToString()));
            app.Map("/first-done", context =>
            {
                _firstHasCookies.TrySetResult();
                return context.Response.WriteAsync("ok");
            });
            // The second script asks here first, so it asks only after the first script has its cookies.
            app.Map("/after-first", async context =>
            {
                await _firstHasCookies.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await context.Response.WriteAsync("ok");
            });
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Cookies_SetBeforeARedirect_AreSentOnTheNextHopAndOnLaterRequests()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/login/ada")}}", { cookies = true }, function(r)
              print(r.status, r.body)
              net.http:get("{{_server.Url("/whoami")}}", { cookies = true }, function(again)
                print(again.body)
                net.http:get("{{_server.Url("/whoami")}}", function(plain)
                  print(plain.body) -- cookies are off unless asked for
                  script.unload()
                end)
              end)
            end)
            """);

        Assert.Equal(["200\tcookie: session=ada; theme=dark", "cookie: session=ada; theme=dark", "cookie: "], output.Prints);
    }

    [Fact]
    public async Task Cookies_OfOneScript_AreNeverSeenByAnother()
    {
        var first = LuaScripts.Write($$"""
            net.http:get("{{_server.Url("/login/first")}}", { cookies = true }, function(r)
              print("first", r.body)
              net.http:get("{{_server.Url("/first-done")}}", function() script.unload() end)
            end)
            """);
        var second = LuaScripts.Write($$"""
            net.http:get("{{_server.Url("/after-first")}}", { cookies = true }, function()
              net.http:get("{{_server.Url("/whoami")}}", { cookies = true }, function(r)
                print("second", r.body)
                net.http:get("{{_server.Url("/login/second")}}", { cookies = true }, function(mine)
                  print("second", mine.body)
                  script.unload()
                end)
              end)
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([first, second]);
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(
            ["first\tcookie: session=first; theme=dark", "second\tcookie: ", "second\tcookie: session=second; theme=dark"],
            runner.Output.Prints.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cookies_AfterTheScriptReloads_StartEmpty()
    {
        var script = LuaScripts.Write($$"""
            net.http:get("{{_server.Url("/whoami")}}", { cookies = true }, function(before)
              print("before", before.body)
              net.http:get("{{_server.Url("/login/kept")}}", { cookies = true }, function(r) print("after", r.body) end)
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await WaitForAfterAsync(runner, 1);
        await runner.InvokeAsync(e => Assert.True(e.ReloadScript(script)));
        await WaitForAfterAsync(runner, 2);

        Assert.Equal(
            ["before\tcookie: ", "after\tcookie: session=kept; theme=dark", "before\tcookie: ", "after\tcookie: session=kept; theme=dark"],
            runner.Output.Prints);
    }

    // Waits for the n-th "after" line (the lines are offered in order, past ones first).
    private static Task WaitForAfterAsync(EngineRunner runner, int n)
    {
        var seen = 0;
        return runner.Output.WaitForPrintAsync(line => line.StartsWith("after", StringComparison.Ordinal) && ++seen == n, TimeSpan.FromSeconds(30));
    }
}
