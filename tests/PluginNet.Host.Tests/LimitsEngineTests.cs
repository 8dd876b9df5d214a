using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>Limits from plugins.json reach the transports through a real engine with the real plugins.</summary>
public class LimitsEngineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task WsAndWsServerMaxMessageBytes_SendOverItRaisesNamingTheLimit()
    {
        var limits = PluginConfig.Parse("/cfg/plugins.json", """
            { "plugins": [], "limits": { "ws": { "max_message_bytes": 1000 }, "ws_server": { "max_message_bytes": 3000 } } }
            """).Limits;
        var script = LuaScripts.Write("""
            local ok, err = pcall(function() return net.ws:send(1, string.rep("a", 1001)) end)
            print("ws", ok, err)
            print("ws at limit", net.ws:send(1, string.rep("a", 1000)))
            local srv = assert(net.ws_server:listen(0, {}))
            ok, err = pcall(function() return srv:broadcast(string.rep("a", 3001)) end)
            print("ws_server", ok, err)
            srv:close()
            script.unload()
            """);

        var runner = await EngineRunner.StartAsync([script], options: o => o.WithLimits(limits));
        await runner.WaitForExitAsync(Wait);

        Assert.Contains(runner.Output.Prints, p => p.StartsWith("ws\tfalse", StringComparison.Ordinal) && p.Contains("message of 1001 bytes is over the limit of 1000 bytes", StringComparison.Ordinal));
        Assert.Contains("ws at limit\tfalse", runner.Output.Prints);
        Assert.Contains(runner.Output.Prints, p => p.StartsWith("ws_server\tfalse", StringComparison.Ordinal) && p.Contains("message of 3001 bytes is over the limit of 3000 bytes", StringComparison.Ordinal));
    }
}
