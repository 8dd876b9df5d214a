using System.Globalization;
using System.Net.WebSockets;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>net.ws_server under the real command line, in its own process.</summary>
public sealed class CommandLineServerTests
{
    [Fact]
    public async Task Run_SigtermWhileServingClients_ClientsGet1001AndTheHostExits143()
    {
        var script = LuaScripts.Write("""
            local srv = net.ws_server:listen(0, { on_open = function(c) print("open " .. c) end })
            print("port=" .. srv.port)
            """);
        await using var host = PluginNetProcess.Start([script], console: true);
        var port = int.Parse((await host.WaitForLineAsync(l => l.StartsWith("port=", StringComparison.Ordinal)))[5..], CultureInfo.InvariantCulture);
        using var socket = await TestClients.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"));
        await host.WaitForLineAsync(l => l == "open 1");
        var close = socket.ReceiveCloseAsync();

        await host.SignalAsync("TERM");

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await close).Status);
        Assert.Equal(143, await host.WaitForExitAsync());
    }
}
