using NSubstitute;
using NSubstitute.ExceptionExtensions;
using PluginNet.Core.Transports;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>Arguments, defaults and the handle of net.ws_server, against a substitute transport.</summary>
public sealed class WsServerArgumentTests
{
    private readonly IWebSocketServerTransport _transport = Substitute.For<IWebSocketServerTransport>();
    private readonly IWebSocketServer _server = Substitute.For<IWebSocketServer>();
    private readonly List<WebSocketListenRequest> _requests = [];

    public WsServerArgumentTests()
    {
        _server.Port.Returns(8080);
        _server.IsOpen.Returns(true);
        _server.CloseAsync(Arg.Any<CancellationToken>()).Returns(Task.CompletedTask);
        _transport.Listen(Arg.Any<WebSocketListenRequest>(), Arg.Any<IWebSocketServerEvents>()).Returns(call =>
        {
            _requests.Add(call.Arg<WebSocketListenRequest>());
            return _server;
        });
    }

    [Fact]
    public async Task Listen_PortAndCallbacks_AsksForLoopbackServerWithTheSpecLimits()
    {
        var output = await RunAsync("""
            local srv = net.ws_server:listen(8080, {})
            print(type(srv), srv.id, srv.port, tostring(srv))
            script.unload()
            """);

        var request = Assert.Single(_requests);
        Assert.Equal(8080, request.Port);
        Assert.Equal(64L * 1024 * 1024, request.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), request.HandshakeTimeout);
        Assert.Empty(request.AllowedOrigins);
        Assert.Equal("userdata\t1\t8080\tWsServer 1 (127.0.0.1:8080)", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Listen_AllowedOriginsInPluginsJson_PassedToTheTransport()
    {
        var config = LuaScripts.Write("""{ "plugins": [], "ws_server": { "allowed_origins": ["https://dash.example"] } }""", "plugins-origins.json");

        await RunAsync("net.ws_server:listen(8080, {}) script.unload()", config);

        Assert.Equal(["https://dash.example"], Assert.Single(_requests).AllowedOrigins);
    }

    [Fact]
    public async Task Listen_PortNotAllowedByPermissions_ReturnsNilSayingWhyAndNeverListens()
    {
        var config = LuaScripts.Write(
            """{ "plugins": [], "permissions": { "scripts": { "listen-locked.lua": { "listen": [9000] } } } }""", "plugins-listen.json");
        var script = LuaScripts.Write("""
            print(select(2, net.ws_server:listen(8080, {})))
            print(net.ws_server:listen(9000, {}) ~= nil)
            script.unload()
            """, "listen-locked.lua");

        var runner = await EngineRunner.StartAsync(
            [script],
            configure: e => e.Transports.Pin(TransportKind.WebSocketServer, "Substitute", _transport),
            pluginsJson: config);
        await runner.WaitForExitAsync();

        Assert.Equal(
            [
                "net.ws_server:listen(8080) failed: refused by a permission: this script may not listen on port 8080 (plugins.json permissions allow 9000); listen on an allowed port, or add 8080 to the \"listen\" list there",
                "true",
            ],
            runner.Output.Prints);
        Assert.Equal(9000, Assert.Single(_requests).Port);
    }

    [Fact]
    public async Task Methods_CallTheServerWithDefaults()
    {
        _server.Send(Arg.Any<long>(), Arg.Any<ReadOnlyMemory<byte>>()).Returns(true);
        _server.Disconnect(Arg.Any<long>(), Arg.Any<int>(), Arg.Any<string>()).Returns(true);
        _server.ClientCount.Returns(3); // the transport's count; the script's count is the clients it heard open
        var listened = new TaskCompletionSource<IWebSocketServerEvents>(TaskCreationOptions.RunContinuationsAsynchronously);
        _transport.Listen(Arg.Any<WebSocketListenRequest>(), Arg.Do<IWebSocketServerEvents>(listened.SetResult)).Returns(_server);

        // Client 5 is one the script has heard open; 6 is not (send to it is false without asking the server).
        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write("""
                local srv
                srv = net.ws_server:listen(8080, { on_open = function(c)
                  print(srv:send(c, "a\0\195\191"), srv:send(6, "x"), srv:client_count(), srv:is_open())
                  srv:broadcast("all")
                  print(srv:disconnect(c), srv:disconnect(c, 4000, "why"))
                  srv:close()
                  print(srv:is_open(), srv:client_count(), srv:send(c, "late"))
                  script.unload()
                end })
                """)],
            configure: e => e.Transports.Pin(TransportKind.WebSocketServer, "Substitute", _transport),
            withPlugins: false);
        (await listened.Task.WaitAsync(TestTimeouts.Event)).OnOpen(5);
        await runner.WaitForExitAsync();
        var output = runner.Output;

        Assert.Equal(["true\tfalse\t1\ttrue", "true\ttrue", "false\t0\tfalse"], output.Prints);
        _server.DidNotReceive().Send(6, Arg.Any<ReadOnlyMemory<byte>>());
        _server.Received(1).Send(5, Arg.Is<ReadOnlyMemory<byte>>(m => m.ToArray().SequenceEqual(new byte[] { (byte)'a', 0, 0xC3, 0xBF })));
        _server.Received(1).Broadcast(Arg.Is<ReadOnlyMemory<byte>>(m => m.ToArray().SequenceEqual(new byte[] { (byte)'a', (byte)'l', (byte)'l' })));
        _server.Received(1).Disconnect(5, 1000, "");
        _server.Received(1).Disconnect(5, 4000, "why");
        await _server.Received(1).CloseAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Events_FromTheTransport_ReachTheCallbacksOnTheMenuThreadInOrder()
    {
        var listened = new TaskCompletionSource<IWebSocketServerEvents>(TaskCreationOptions.RunContinuationsAsynchronously);
        _transport.Listen(Arg.Any<WebSocketListenRequest>(), Arg.Do<IWebSocketServerEvents>(listened.SetResult)).Returns(_server);

        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write("""
                local srv = net.ws_server:listen(8080, {
                  on_open = function(c) print("open", c) end,
                  on_message = function(c, m) print("message", c, #m, m:byte(2)) end,
                  on_error = function(c, e) print("error", c, e) end,
                  on_close = function(c, code, reason) print("close", c, code, reason) script.unload() end,
                })
                """)],
            configure: e => e.Transports.Pin(TransportKind.WebSocketServer, "Substitute", _transport),
            withPlugins: false);
        var events = await listened.Task.WaitAsync(TestTimeouts.Event);
        events.OnOpen(7);
        events.OnMessage(7, [1, 255, 0], isText: false);
        events.OnError(7, "boom");
        events.OnClose(7, 1006, "");
        await runner.WaitForExitAsync();

        Assert.Equal(["open\t7", "message\t7\t3\t255", "error\t7\tboom", "close\t7\t1006\t"], runner.Output.Prints);
    }

    [Fact]
    public async Task Listen_PortInUse_ReturnsNilAndTheReasonAndLogsIt()
    {
        _transport.Listen(Arg.Any<WebSocketListenRequest>(), Arg.Any<IWebSocketServerEvents>()).Throws(new PortInUseException(8080));

        var output = await RunAsync("""local srv, why = net.ws_server:listen(8080, {}) print(srv, why) script.unload()""");

        Assert.Equal("nil\tnet.ws_server:listen(8080) failed: port 8080 on 127.0.0.1 is already in use; pick another port, or listen on port 0 to get a free one (srv.port tells which)", Assert.Single(output.Prints));
        Assert.Contains(output.Logs, l => l.Level == LogLevel.Warn && l.Message.Contains("already in use", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listen_NoWsServerPlugin_RaisesErrorNamingTheTransport()
    {
        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write("""print(select(2, pcall(net.ws_server.listen, net.ws_server, 8080, {}))) script.unload()""")], withPlugins: false);
        await runner.WaitForExitAsync();

        Assert.Contains("net.ws_server:listen: no plugin provides the ws_server transport", Assert.Single(runner.Output.Prints));
    }

    [Theory]
    [InlineData("net.ws_server:listen('eighty', {})", "bad argument #1 to 'listen' (number expected, got string)")]
    [InlineData("net.ws_server:listen('80.5', {})", "bad argument #1 to 'listen' (port must be an integer from 0 to 65535, got 80.5)")]
    [InlineData("net.ws_server:listen(8081, { onopen = print })", "bad argument #2 to 'listen' (unknown callback 'onopen'; did you mean 'on_open'? valid callbacks: on_close, on_error, on_message, on_open)")]
    [InlineData("net.ws_server:listen(8081, {}, {}, {})", "bad argument #4 to 'listen' (no argument expected here; the call is listen(port, callbacks, options))")]
    [InlineData("net.ws_server:listen(8081, {}, { ws_pth = \"/ws\" })", "bad argument #3 to 'listen' (unknown option 'ws_pth'; did you mean 'ws_path'? valid options: answer_timeout, compress, max_body_bytes, max_message, ping_interval, pong_timeout, protocols, ws_path)")]
    [InlineData("net.ws_server:listen(80.5, {})", "bad argument #1 to 'listen' (port must be an integer from 0 to 65535, got 80.5)")]
    [InlineData("net.ws_server:listen(70000, {})", "bad argument #1 to 'listen' (port must be an integer from 0 to 65535, got 70000)")]
    [InlineData("net.ws_server:listen(8080)", "bad argument #2 to 'listen' (table expected, got nil)")]
    [InlineData("net.ws_server:listen(8080, { on_message = 'x' })", "bad argument #2 to 'listen' (field 'on_message' must be a function, got string)")]
    [InlineData("net.ws_server.listen(8080, {})", "net.ws_server:listen must be called with a colon: net.ws_server:listen(...)")]
    [InlineData("srv:send('one', 'x')", "bad argument #1 to 'send' (number expected, got string)")]
    [InlineData("srv:send(1.5, 'x')", "bad argument #1 to 'send' (client id must be an integer, got 1.5)")]
    [InlineData("srv:send(1, 2)", "bad argument #2 to 'send' (string expected, got number)")]
    [InlineData("srv:broadcast()", "bad argument #1 to 'broadcast' (string expected, got nil)")]
    [InlineData("srv:disconnect(1, 'x')", "bad argument #2 to 'disconnect' (number expected, got string)")]
    [InlineData("srv:disconnect(1, 1000.5)", "bad argument #2 to 'disconnect' (close code must be an integer, got 1000.5)")]
    [InlineData("srv:disconnect(1, 1005)", "bad argument #2 to 'disconnect' (close code 1005 may not be sent (use 1000-1003, 1007-1014 or 3000-4999))")]
    [InlineData("srv:disconnect(1, 1000, 5)", "bad argument #3 to 'disconnect' (string expected, got number)")]
    [InlineData("srv.send(1, 'x')", "srv:send must be called with a colon on a WsServer: srv:send(...)")]
    [InlineData("srv.id = 2", "WsServer.id is read-only")]
    [InlineData("srv.anything = 2", "cannot set WsServer.anything: a WsServer has only the read-only fields id and port (keep your own data in a table keyed by srv.id)")]
    public async Task Calls_WrongArguments_RaiseLuaErrorAtTheCallersLine(string call, string expected)
    {
        var output = await RunAsync($"""
            local srv = net.ws_server:listen(8080, {"{}"}) local ok, err = pcall(function()
              {call}
            end)
            print(err, srv.id)
            script.unload()
            """);

        Assert.Equal($":2: {expected}\t1", Assert.Single(output.Prints)[^($":2: {expected}\t1".Length)..]);
    }

    [Fact]
    public async Task ListenAndClose_SlowerThanTheCallbackTimeLimit_NotAbortedAsAnEndlessLoop()
    {
        // Starting and stopping a server may hold the menu thread on purpose; that time is not the script's.
        _transport.Listen(Arg.Any<WebSocketListenRequest>(), Arg.Any<IWebSocketServerEvents>()).Returns(_ =>
        {
            Thread.Sleep(300);
            return _server;
        });
        _server.CloseAsync(Arg.Any<CancellationToken>()).Returns(_ => Task.Delay(300));

        var output = await RunAsync("""
            local function work() local n = 0 for i = 1, 100000 do n = n + i end return n end
            local srv = net.ws_server:listen(8080, {})
            work() -- enough instructions for the runaway guard to look at the clock
            print("listening")
            srv:close()
            work()
            print("closed", srv:is_open())
            script.unload()
            """);

        Assert.Equal(["listening", "closed\tfalse"], output.Prints);
        Assert.DoesNotContain(output.Logs, l => l.Level == LogLevel.Error);
    }

    [Fact]
    public async Task Unload_ServerStillOpen_IsClosedByTheLedger()
    {
        await RunAsync("net.ws_server:listen(8080, {}) script.unload()");

        await _server.Received(1).CloseAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Broadcast_BeforeTheScriptHeardAClientOpen_NotSentToThatClientYet()
    {
        IWebSocketServerEvents? events = null;
        _transport.Listen(Arg.Any<WebSocketListenRequest>(), Arg.Any<IWebSocketServerEvents>()).Returns(call =>
        {
            events = call.Arg<IWebSocketServerEvents>();
            return _server;
        });
        _server.Send(Arg.Any<long>(), Arg.Any<ReadOnlyMemory<byte>>()).Returns(true);
        var script = LuaScripts.Write("""
            local srv
            srv = net.ws_server:listen(8080, { on_open = function(c) srv:send(c, "hello") end })
            event.on("go", function() srv:broadcast("state") end)
            """);

        // Driven by hand, as an application does, so the order of events is exact.
        var engine = new PluginNetEngine(new EngineOptions { Output = new RecordingOutput() });
        engine.Transports.Pin(TransportKind.WebSocketServer, "Substitute", _transport);
        Assert.True(engine.LoadScript(script));
        engine.Tick();

        events!.OnOpen(1); // the transport has the client; the script has not run on_open yet
        engine.FireEvent("go");
        _server.DidNotReceive().Broadcast(Arg.Any<ReadOnlyMemory<byte>>());
        _server.DidNotReceive().Send(Arg.Any<long>(), Arg.Any<ReadOnlyMemory<byte>>());

        engine.Tick(); // on_open: "hello"
        engine.FireEvent("go");

        Received.InOrder(() =>
        {
            _server.Send(1, Arg.Is<ReadOnlyMemory<byte>>(m => Text(m) == "hello"));
            _server.Broadcast(Arg.Is<ReadOnlyMemory<byte>>(m => Text(m) == "state"));
        });
        await engine.DisposeAsync();
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);

    private async Task<RecordingOutput> RunAsync(string lua, string? pluginsJson = null)
    {
        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write(lua)],
            configure: e => e.Transports.Pin(TransportKind.WebSocketServer, "Substitute", _transport),
            pluginsJson: pluginsJson,
            withPlugins: pluginsJson is not null);
        await runner.WaitForExitAsync();
        return runner.Output;
    }
}
