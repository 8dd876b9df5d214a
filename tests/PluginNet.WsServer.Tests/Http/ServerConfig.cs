using PluginNet.TestSupport;

namespace PluginNet.WsServer.Tests.Http;

/// <summary>A plugins.json with the built WsServer plugin and the given extra top-level sections.</summary>
internal static class ServerConfig
{
    public static string Write(string extraSections)
    {
        var plugin = Path.Combine(RepoPaths.Root, "artifacts", "plugins", "WsServer", "PluginNet.Plugins.WsServer.dll");
        return LuaScripts.Write(
            $$"""{ "plugins": [ { "name": "WsServer", "path": {{System.Text.Json.JsonSerializer.Serialize(plugin)}} } ], {{extraSections}} }""",
            $"plugins-{Guid.NewGuid():N}.json");
    }
}
