using Microsoft.AspNetCore.Builder;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// A <c>transports</c> choice in plugins.json that cannot be honoured stops the real command line with
/// exit 2 before any script runs, instead of letting another plugin serve the transport silently.
/// </summary>
public class TransportChoiceTests
{
    private static readonly string Plugins = Path.Combine(RepoPaths.Root, "artifacts", "plugins").Replace("\\", "/");

    [Theory]
    [InlineData("""{ "name": "Replay", "path": "{P}/Replay/PluginNet.Plugins.Replay.dll", "enabled": false }""", """{ "http": "Replay" }""", "transports.http", "plugin \"Replay\" is disabled (\"enabled\": false in plugins[1])")]
    [InlineData("""{ "name": "WsClient", "path": "{P}/WsClient/PluginNet.Plugins.WsClient.dll" }""", """{ "ws": "Http" }""", "transports.ws", "plugin \"Http\" does not serve ws (it serves http); name a plugin that serves ws (WsClient does)")]
    [InlineData("""{ "name": "Replay", "path": "nowhere/PluginNet.Plugins.Replay.dll" }""", """{ "http": "Replay" }""", "transports.http", "plugin \"Replay\" did not load")]
    [InlineData("""{ "name": "WsClient", "path": "{P}/WsClient/PluginNet.Plugins.WsClient.dll" }""", """{ "http": "Nope" }""", "transports.http", "no plugin named \"Nope\"")]
    public async Task Run_TransportsChoiceCannotServe_Exits2NamingFileAndFieldAndSendsNothing(string secondPlugin, string transports, string field, string problem)
    {
        var hits = 0;
        await using var live = await TestHttpServer.StartAsync(app => app.Map("/live", () =>
        {
            Interlocked.Increment(ref hits);
            return "live";
        }));
        var config = Path.Combine(LuaScripts.NewFolder(), "plugins.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "plugins": [
                { "name": "Http", "path": "{{Plugins}}/Http/PluginNet.Plugins.Http.dll" },
                {{secondPlugin.Replace("{P}", Plugins, StringComparison.Ordinal)}}
              ],
              "transports": {{transports}}
            }
            """);
        var script = LuaScripts.Write($$"""
            print("script ran")
            net.http:get("{{live.Url("/live")}}", function(r) print("live answer", r.body) script.unload() end)
            """);

        var result = await PluginNetProcess.RunAsync([script, "--plugins", config, "--timeout", "10"]);

        Assert.True(result.ExitCode == 2, result.Transcript);
        Assert.Contains(result.Stderr, l => l.Contains($"{config}: {field}: {problem}", StringComparison.Ordinal));
        Assert.Empty(result.Stdout);
        Assert.Equal(0, Volatile.Read(ref hits));
    }
}
