using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>net.ws_server from Lua: a real engine, the real plugin from its folder, real clients.</summary>
public sealed class WsServerScriptTests
{
    [Fact]
    public async Task Listen_ReturnsServerWithIdAndEveryClientGetsAnOpenCallback()
    {
        await using var lua = await LuaServerScript.StartAsync();

        var (first, firstId) = await lua.ConnectAsync();
        var (second, secondId) = await lua.ConnectAsync();
        await first.SendTextAsync("count");

        Assert.Contains(lua.Output.Prints, p => p.StartsWith("port=", StringComparison.Ordinal) && p.EndsWith(" id=1", StringComparison.Ordinal));
        Assert.NotEqual(firstId, secondId);
        Assert.Equal("count=2", await first.ReceiveTextAsync());
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task OnClose_ClientClosesWithoutStatusCode_Is1005()
    {
        await using var lua = await LuaServerScript.StartAsync();
        using var raw = await RawWebSocket.OpenAsync(lua.Port);
        await lua.WaitForPrintAsync("open 1");

        await raw.SendFrameAsync(0x8, []);

        Assert.Equal(1005, await raw.ReadCloseCodeAsync()); // the echo carries no code either
        await lua.WaitForPrintAsync("close 1 1005 ");
    }

    [Fact]
    public async Task SendAndBroadcast_TextThatIsNotUtf8_RaiseAndTheClientStaysConnected()
    {
        await using var lua = await LuaServerScript.StartAsync("""
            local srv
            srv = net.ws_server:listen(0, {
              on_open = function(c) print("open " .. c) end,
              on_close = function(c, code) print("close " .. c .. " " .. code) end,
              on_message = function(c, msg)
                print(select(2, pcall(srv.send, srv, c, "caf\233")))
                print(select(2, pcall(srv.broadcast, srv, "\255")))
                srv:send(c, "still here: " .. msg)
              end,
            })
            print("port=" .. srv.port .. " id=" .. srv.id)
            """);
        var (client, _) = await lua.ConnectAsync();

        await client.SendTextAsync("hi");

        Assert.Equal("still here: hi", await client.ReceiveTextAsync());
        Assert.Equal(WebSocketState.Open, client.State);
        var prints = lua.Output.Prints.Where(p => p.Contains("bad argument", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, prints.Count);
        Assert.EndsWith("bad argument #2 to 'send' (message is not UTF-8 text (byte 4 is not valid UTF-8); a text frame must be UTF-8: convert the text to UTF-8, or encode binary data as text first (hex or base64))", prints[0]);
        Assert.EndsWith("bad argument #1 to 'broadcast' (message is not UTF-8 text (byte 1 is not valid UTF-8); a text frame must be UTF-8: convert the text to UTF-8, or encode binary data as text first (hex or base64))", prints[1]);
        Assert.DoesNotContain(lua.Output.Prints, p => p.StartsWith("close ", StringComparison.Ordinal));
        client.Dispose();
    }

    [Fact]
    public async Task Listen_PortAsNumericString_AcceptedAsLuaDoes()
    {
        await using var lua = await LuaServerScript.StartAsync("""
            local probe = assert(net.ws_server:listen(0, {}))
            local port = probe.port
            probe:close()
            local srv
            srv = assert(net.ws_server:listen(tostring(port), {
              on_open = function(c) print("open " .. c) end,
              on_message = function(c, msg) print("sent " .. tostring(srv:send(tostring(c), msg))) end,
            }))
            print("port=" .. srv.port .. " id=" .. srv.id)
            """);
        var (client, _) = await lua.ConnectAsync();

        await client.SendTextAsync("back");

        Assert.Equal("back", await client.ReceiveTextAsync());
        await lua.WaitForPrintAsync("sent true");
        client.Dispose();
    }

    [Fact]
    public async Task Broadcast_FromLua_ReachesEveryClient()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var clients = new[] { await lua.ConnectAsync(), await lua.ConnectAsync(), await lua.ConnectAsync() };

        await clients[0].Socket.SendTextAsync("bcast:{\"hp\":100}");

        foreach (var (socket, _) in clients)
        {
            Assert.Equal("{\"hp\":100}", await socket.ReceiveTextAsync());
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Send_FromLua_ReachesOnlyThatClientAndReturnsTrue()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (asking, _) = await lua.ConnectAsync();
        var (other, _) = await lua.ConnectAsync();

        await asking.SendTextAsync("echo:just you");
        Assert.Equal("just you", await asking.ReceiveTextAsync());
        await lua.WaitForPrintAsync("sent true");
        await asking.SendTextAsync("bcast:all");

        Assert.Equal("all", await other.ReceiveTextAsync());
        Assert.Equal("all", await asking.ReceiveTextAsync());
        asking.Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task OnMessage_BinaryFromClient_ReachesLuaByteExact()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, _) = await lua.ConnectAsync();
        var bytes = TestBytes.AllValues();

        await socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        await lua.WaitForPrintAsync("bytes 256 " + Convert.ToHexStringLower(bytes));
        socket.Dispose();
    }

    [Fact]
    public async Task OnMessage_FragmentedFromClient_ReachesLuaAsOneMessage()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, _) = await lua.ConnectAsync();

        await socket.SendAsync("ec"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await socket.SendAsync("ho:whole"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        Assert.Equal("whole", await socket.ReceiveTextAsync());
        socket.Dispose();
    }

    [Fact]
    public async Task Disconnect_WithCodeAndReason_ClientSeesThemAndOnCloseRunsOnce()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, id) = await lua.ConnectAsync();

        await socket.SendTextAsync("kick:4001:go away");
        var (status, reason) = await socket.ReceiveCloseAsync();

        Assert.Equal((WebSocketCloseStatus)4001, status);
        Assert.Equal("go away", reason);
        await lua.WaitForPrintAsync($"close {id} 4001 go away");
        socket.Dispose();
    }

    [Fact]
    public async Task Disconnect_NoCode_Closes1000WithEmptyReason()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, id) = await lua.ConnectAsync();

        await socket.SendTextAsync("kick");
        var (status, reason) = await socket.ReceiveCloseAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal("", reason);
        await lua.WaitForPrintAsync($"close {id} 1000 ");
        socket.Dispose();
    }

    [Fact]
    public async Task OnClose_ClientCloses_RunsWithTheClientsCodeAndReason()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, id) = await lua.ConnectAsync();

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "leaving", CancellationToken.None);

        await lua.WaitForPrintAsync($"close {id} 1000 leaving");
        socket.Dispose();
    }

    [Fact]
    public async Task Close_FromLua_ClientsGet1001AndThePortCanBeListenedOnAgainAtOnce()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (first, firstId) = await lua.ConnectAsync();
        var (second, secondId) = await lua.ConnectAsync();
        var secondClose = second.ReceiveCloseAsync();

        await first.SendTextAsync("close");

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await first.ReceiveCloseAsync()).Status);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await secondClose).Status);
        await lua.WaitForPrintAsync("closed open=false count=0 send=false");
        await lua.WaitForPrintAsync("relisten true");
        await lua.WaitForPrintAsync($"close {firstId} 1001 server closing");
        await lua.WaitForPrintAsync($"close {secondId} 1001 server closing");
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task Listen_PortTakenByAnotherListener_ReturnsNilAndLogsWhy()
    {
        var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        try
        {
            var port = ((IPEndPoint)other.LocalEndpoint).Port;
            await using var runner = await EngineRunner.StartAsync([LuaScripts.Write($"""
                local srv, why = net.ws_server:listen({port}, {"{}"})
                print(tostring(srv) .. " | " .. why)
                script.unload()
                """)]);
            await runner.WaitForExitAsync();

            Assert.Equal($"nil | net.ws_server:listen({port}) failed: port {port} on 127.0.0.1 is already in use; pick another port, or listen on port 0 to get a free one (srv.port tells which)", Assert.Single(runner.Output.Prints));
            Assert.Contains(runner.Output.Logs, l => l.Level == LogLevel.Warn && l.Message.Contains("already in use", StringComparison.Ordinal));
        }
        finally
        {
            other.Stop();
        }
    }

    [Fact]
    public async Task Listen_PortTakenByAnotherScript_ReturnsNil()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var second = LuaScripts.Write($"""print("second " .. tostring(net.ws_server:listen({lua.Port}, {"{}"})))""");

        await lua.Runner.InvokeAsync(e => e.LoadScript(second));

        await lua.WaitForPrintAsync("second nil");
    }

    [Fact]
    public async Task Unload_ScriptWithServer_ClientsGet1001PortIsFreeAndNoCallbackRuns()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, _) = await lua.ConnectAsync();
        var close = socket.ReceiveCloseAsync();

        await lua.Runner.InvokeAsync(e => e.UnloadScript(lua.Path));
        await lua.Runner.Engine.WhenReleasedAsync().WaitAsync(TestTimeouts.Event);

        // The port is free as soon as the release has completed.
        var listener = new TcpListener(IPAddress.Loopback, lua.Port);
        listener.Start();
        listener.Stop();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await close).Status);

        // Whatever the server reported after the unload was dropped, never delivered into the script.
        Assert.Equal(EngineRunResult.AllScriptsUnloaded, await lua.Runner.WaitForExitAsync());
        Assert.DoesNotContain(lua.Output.Prints, p => p.StartsWith("close ", StringComparison.Ordinal));
        Assert.DoesNotContain(lua.Output.Logs, l => l.Level == LogLevel.Error && l.Script == System.IO.Path.GetFileName(lua.Path));
        socket.Dispose();
    }

    [Fact]
    public async Task Unload_FromInsideOnMessage_ReleasesTheServer()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, _) = await lua.ConnectAsync();

        await socket.SendTextAsync("unload");

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await socket.ReceiveCloseAsync()).Status);
        await lua.Runner.WaitForExitAsync();
        await using var again = ServerHarness.Start(ServerHarness.Request(port: lua.Port));
        socket.Dispose();
    }

    [Fact]
    public async Task OnMessage_OverTheLimit_OnErrorThenOnClose1009()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, id) = await lua.ConnectAsync();

        await socket.SendAsync(new byte[Documented.MaxMessageBytes + 1], WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await socket.ReceiveCloseAsync()).Status);
        await lua.WaitForPrintAsync($"close {id} 1009 message too big");
        var lines = lua.Output.Prints.Where(p => p.EndsWith($" {id} 1009 message too big", StringComparison.Ordinal) || p.StartsWith($"error {id} ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith($"error {id} ", lines[0]);
        socket.Dispose();
    }

    [Fact]
    public async Task UnloadPlugin_WhileServing_ClientsGet1001ScriptIsToldAndTheContextIsCollected()
    {
        await using var lua = await LuaServerScript.StartAsync();
        var (socket, id) = await lua.ConnectAsync();
        var close = socket.ReceiveCloseAsync();

        Task<WeakReference>? unloading = null;
        await lua.Runner.InvokeAsync(e => unloading = e.UnloadPluginAsync("WsServer"));
        var context = await unloading!.WaitAsync(TestTimeouts.Event);

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await close).Status);
        await lua.WaitForPrintAsync($"close {id} 1001 server closing");
        await lua.Runner.InvokeAsync(e => e.FireEvent("status"));
        await lua.WaitForPrintAsync("status open=false count=0 send=false");
        await using (ServerHarness.Start(ServerHarness.Request(port: lua.Port)))
        {
            // The port is free again.
        }

        Assert.True(await LoadContexts.CollectedAsync(context), "the WsServer plugin's load context is still alive after its unload");
        socket.Dispose();
    }
}
