using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>A running script keeps running while net.http is switched between implementations.</summary>
public class TransportSwapTests
{
    [Fact]
    public async Task SwitchTransport_HttpToReplayAndBack_RequestsGoToWhicheverIsCurrent()
    {
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/item", context => context.Response.WriteAsync("live")));
        var folder = LuaScripts.NewFolder();
        var cassettes = Directory.CreateDirectory(Path.Combine(folder, "cassettes")).FullName;
        await File.WriteAllTextAsync(Path.Combine(cassettes, "0001-item.json"), $$"""
            { "version": 1,
              "request": { "method": "GET", "url": "{{server.Url("/item")}}" },
              "response": { "status": 200, "body": "recorded", "body_encoding": "utf-8" } }
            """);
        var plugins = Path.Combine(RepoPaths.Root, "artifacts", "plugins").Replace("\\", "/");
        var config = Path.Combine(folder, "plugins.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "plugins": [
                { "name": "Http", "path": "{{plugins}}/Http/PluginNet.Plugins.Http.dll" },
                { "name": "Replay", "path": "{{plugins}}/Replay/PluginNet.Plugins.Replay.dll", "settings": { "mode": "replay", "cassettes": "cassettes" } }
              ],
              "transports": { "http": "Http" }
            }
            """);
        var script = LuaScripts.Write($$"""
            event.on("hit", function(tag)
              net.http:get("{{server.Url("/item")}}", function(r) print(tag, r.body) end)
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script], pluginsJson: config);

        await HitAsync(runner, "1");
        await runner.InvokeAsync(e => Assert.True(e.SwitchTransport(TransportKind.Http, "Replay")));
        await HitAsync(runner, "2");
        await runner.InvokeAsync(e => Assert.True(e.SwitchTransport(TransportKind.Http, "Http")));
        await HitAsync(runner, "3");

        Assert.Equal(["1\tlive", "2\trecorded", "3\tlive"], runner.Output.Prints);
        await runner.InvokeAsync(e => Assert.Single(e.LoadedScripts));
    }

    private static async Task HitAsync(EngineRunner runner, string tag)
    {
        await runner.InvokeAsync(e => e.FireEvent("hit", tag));
        await runner.Output.WaitForPrintAsync(p => p.StartsWith(tag + "\t", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }
}
