using System.Globalization;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;
using Xunit.Abstractions;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>Documented behaviour of net.ws_server with nothing configured, through the real plugin.</summary>
public sealed class WsServerDefaultsTests(ITestOutputHelper log)
{
    [Fact]
    public async Task IsOpen_WhileListening_TrueAndFalseOnlyAfterClose()
    {
        await using var lua = await LuaServerScript.StartAsync();

        await lua.Runner.InvokeAsync(e => e.FireEvent("status"));

        await lua.WaitForPrintAsync("status open=true count=0 send=false");
    }

    [Fact]
    public async Task Send_ClientThatNeverReads_ClosedWith1008OnceAbout16MiBAreQueued()
    {
        // docs/API.md: a client that lets more than 16 MB (16 MiB, limits.ws_server.max_queued_bytes_per_client)
        // queue up is closed with 1008. The script sends a 1 MiB message every frame to a client that
        // reads nothing, until a send is refused: at least 16 fit in the queue; beyond them only what
        // the kernel's socket buffers took (a few MiB on loopback) can have left it.
        var script = LuaScripts.Write("""
            local big = string.rep("x", 1048576)
            local client, accepted = nil, 0
            local srv
            srv = net.ws_server:listen(0, {
              on_open = function(c) client = c end,
              on_close = function(c, code) print("close " .. code) end,
            })
            event.on("frame_update", function()
              if not client then return end
              if accepted < 64 and srv:send(client, big) then
                accepted = accepted + 1
              else
                print("accepted " .. accepted)
                client = nil
              end
            end)
            print("port=" .. srv.port)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        var port = await runner.WaitForPortAsync(TestTimeouts.Event);
        using var sleeper = await RawWebSocket.ConnectAsync(port, receiveBufferBytes: 4096);
        Assert.Equal(101, await sleeper.HandshakeAsync(port));

        var accepted = await runner.Output.WaitForPrintAsync(p => p.StartsWith("accepted ", StringComparison.Ordinal), TestTimeouts.Event);
        await runner.Output.WaitForPrintAsync(p => p == "close 1008", TestTimeouts.Event);

        var megabytes = int.Parse(accepted["accepted ".Length..], CultureInfo.InvariantCulture);
        log.WriteLine($"1 MiB sends accepted before the 1008: {megabytes}");
        Assert.InRange(megabytes, 16, 16 + 8);
    }
}
