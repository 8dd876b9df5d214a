using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.Host.Tests;

/// <summary>Plugins unloaded and loaded while scripts run, proven by the load context being collected.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class PluginUnloadTests(ITestOutputHelper log)
{
    [Fact]
    public async Task UnloadPlugin_PendingRequest_CallbackToldAndContextCollected()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/fast", context => context.Response.WriteAsync("fast"));
            app.Map("/hang", async context =>
            {
                arrived.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            });
        });
        var script = LuaScripts.Write($$"""
            net.http:get("{{server.Url("/fast")}}", function(r)
              print("fast", r.body)
              net.http:get("{{server.Url("/hang")}}", function(r2) print("hang", r2.ok, r2.error) end)
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var context = await LoadContexts.UnloadPluginAsync(runner, "Http");
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("hang", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        Assert.Equal("hang\tfalse\tthe http transport (plugin 'Http') was unloaded before the response arrived", runner.Output.Prints[1]);
        Assert.True(await LoadContexts.CollectedAsync(context), "the Http plugin's load context is still alive after unload");
    }

    [Fact]
    public async Task UnloadPlugin_ThenCalls_RaiseClearErrorUntilLoadedAgain()
    {
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/x", context => context.Response.WriteAsync("x")));
        var script = LuaScripts.Write($$"""
            event.on("try", function(tag)
              local ok, err = pcall(function()
                net.http:get("{{server.Url("/x")}}", function(r) print(tag, r.body) end)
              end)
              if not ok then print(tag, err) end
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);

        await LoadContexts.UnloadPluginAsync(runner, "Http");
        await runner.InvokeAsync(e => e.FireEvent("try", "without"));
        await runner.InvokeAsync(e => Assert.NotNull(e.LoadPlugin(e.Config!.Plugins.Single(p => p.Name == "Http"))));
        await runner.InvokeAsync(e => e.FireEvent("try", "with"));
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("with\t", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        Assert.Contains(runner.Output.Prints, p => p.StartsWith("without", StringComparison.Ordinal) && p.Contains("net.http:get: no plugin provides the http transport"));
        Assert.Contains("with\tx", runner.Output.Prints);
    }

    [Theory]
    [InlineData("Http")]
    [InlineData("WsClient")]
    [InlineData("WsServer")]
    [InlineData("Replay")]
    public async Task UnloadReload_HundredCyclesWithAScript_CollectedEveryTime(string pluginName)
    {
        await using var server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/n", context => context.Response.WriteAsync("n"));
            TestHttpServer.MapEcho(app, "/echo");
        });
        var config = await WriteConfigWithReplayAsync(server.Url("/n"), pluginName == "Replay" ? "Replay" : "Http");
        // Each cycle the script really uses the plugin: an HTTP GET (live or replayed), a WebSocket
        // echo, or a server that a client of its own connects to.
        var script = LuaScripts.Write($$"""
            local plugin = "{{pluginName}}"
            event.on("hit", function(i)
              if plugin == "Http" or plugin == "Replay" then
                net.http:get("{{server.Url("/n")}}", function(r) print("hit " .. i .. " " .. (r.ok and r.body or ("failed: " .. r.error))) end)
              elseif plugin == "WsClient" then
                net.ws:connect("{{server.WebSocketUrl("/echo")}}", {
                  on_open = function(id) net.ws:send(id, "n") end,
                  on_message = function(id, msg) print("hit " .. i .. " " .. msg) net.ws:close(id) end,
                })
              else
                local srv
                srv = net.ws_server:listen(0, {
                  on_message = function(c, msg) srv:send(c, msg) end,
                })
                net.ws:connect("ws://127.0.0.1:" .. srv.port .. "/", {
                  on_open = function(id) net.ws:send(id, "n") end,
                  on_message = function(id, msg) print("hit " .. i .. " " .. msg) srv:close() end,
                })
              end
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script], pluginsJson: config);
        var entry = PluginConfig.Load(config).Plugins.Single(p => p.Name == pluginName);
        var before = ProcessResources.Measure();

        const int cycles = 100;
        const int warmUp = 10;
        var collected = 0;
        for (var i = 1; i <= cycles; i++)
        {
            if (i == warmUp + 1)
            {
                before = ProcessResources.Measure(); // after warm-up: thread pool and Kestrel have their working set
            }

            var index = i;
            await runner.InvokeAsync(e => e.FireEvent("hit", index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            // Longer than a request's own 10 s timeout, so a request that never ends says why in the transcript.
            await runner.Output.WaitForPrintAsync(p => p.StartsWith($"hit {index} ", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
            Assert.True(runner.Output.Prints[^1] == $"hit {index} n", runner.Output.Transcript);
            var context = await LoadContexts.UnloadPluginAsync(runner, pluginName);
            collected += await LoadContexts.CollectedAsync(context) ? 1 : 0;
            await runner.InvokeAsync(e =>
            {
                Assert.NotNull(e.LoadPlugin(entry));
                e.SwitchTransport(TransportKind.Http, pluginName == "Replay" ? "Replay" : "Http");
            });
        }

        var after = ProcessResources.Measure();
        log.WriteLine($"{cycles} unload/reload cycles of {pluginName}: collected {collected}; from cycle {warmUp} to {cycles}: {before} -> {after}");
        Assert.Equal(cycles, collected);
        Assert.True(after.ThreadsFlatSince(before), $"threads grew over {cycles - warmUp} cycles: {before} -> {after}");
    }

    [Fact]
    public async Task UnloadPlugin_OpenWebSocket_ScriptHearsOnClose1001AndContextCollected()
    {
        await using var server = await TestHttpServer.StartAsync(app => TestHttpServer.MapEcho(app, "/echo"));
        var script = LuaScripts.Write($$"""
            net.ws:connect("{{server.WebSocketUrl("/echo")}}", {
              on_open = function(id) print("open") end,
              on_close = function(id, code, reason) print("close", code, reason) end,
            })
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.Output.WaitForPrintAsync(p => p == "open", TimeSpan.FromSeconds(10));

        var context = await LoadContexts.UnloadPluginAsync(runner, "WsClient");
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("close", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        Assert.StartsWith("close\t1001\t", runner.Output.Prints[1]);
        Assert.True(await LoadContexts.CollectedAsync(context), "the WsClient plugin's load context is still alive after unload");
    }

    [Fact]
    public async Task ReloadPlugin_TwentyTimesWithAScript_NewVersionServesAndEveryOldVersionCollected()
    {
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/n", context => context.Response.WriteAsync("n")));
        var config = await WriteConfigWithReplayAsync(server.Url("/n"), "Http");
        var script = LuaScripts.Write($$"""
            event.on("hit", function(i) net.http:get("{{server.Url("/n")}}", function(r) print("hit " .. i .. " " .. (r.ok and r.body or ("failed: " .. r.error))) end) end)
            """);
        await using var runner = await EngineRunner.StartAsync([script], pluginsJson: config);
        var entry = PluginConfig.Load(config).Plugins.Single(p => p.Name == "Http");

        var collected = 0;
        for (var i = 1; i <= 20; i++)
        {
            Task<WeakReference>? retired = null;
            await runner.InvokeAsync(e =>
            {
                Assert.Equal(PluginReloadOutcome.Reloaded, e.ReloadPlugin(entry));
                retired = e.LastRetirement;
            });
            var index = i;
            await runner.InvokeAsync(e => e.FireEvent("hit", index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            // Longer than a request's own 10 s timeout, so a request that never ends says why in the transcript.
            await runner.Output.WaitForPrintAsync(p => p.StartsWith($"hit {index} ", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
            Assert.True(runner.Output.Prints[^1] == $"hit {index} n", runner.Output.Transcript);
            collected += await LoadContexts.CollectedAsync(await retired!.WaitAsync(TimeSpan.FromSeconds(10))) ? 1 : 0;
        }

        Assert.Equal(20, collected);
    }

    // All four plugins, with a Replay cassette answering GET url with "n".
    private static async Task<string> WriteConfigWithReplayAsync(string url, string httpProvider)
    {
        var folder = LuaScripts.NewFolder();
        var cassettes = Directory.CreateDirectory(Path.Combine(folder, "cassettes")).FullName;
        await File.WriteAllTextAsync(Path.Combine(cassettes, "0001-n.json"), $$"""
            { "request": { "method": "GET", "url": "{{url}}" }, "response": { "status": 200, "body": "n", "body_encoding": "utf-8" } }
            """);
        var plugins = Path.Combine(RepoPaths.Root, "artifacts", "plugins").Replace("\\", "/");
        var path = Path.Combine(folder, "plugins.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "plugins": [
                { "name": "Http", "path": "{{plugins}}/Http/PluginNet.Plugins.Http.dll" },
                { "name": "WsClient", "path": "{{plugins}}/WsClient/PluginNet.Plugins.WsClient.dll" },
                { "name": "WsServer", "path": "{{plugins}}/WsServer/PluginNet.Plugins.WsServer.dll" },
                { "name": "Replay", "path": "{{plugins}}/Replay/PluginNet.Plugins.Replay.dll", "settings": { "mode": "replay", "cassettes": "cassettes" } }
              ],
              "transports": { "http": "{{httpProvider}}" }
            }
            """);
        return path;
    }

}
