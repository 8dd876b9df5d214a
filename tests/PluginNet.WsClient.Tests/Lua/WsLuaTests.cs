using System.Net.WebSockets;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;
using PluginNet.WsClient.Tests.Infrastructure;

namespace PluginNet.WsClient.Tests.Lua;

/// <summary>net.ws from real Lua scripts, through the real WsClient plugin, against Kestrel on 127.0.0.1.</summary>
public sealed class WsLuaTests
{
    [Fact]
    public async Task Connect_EchoServer_CallbacksRunInOrderWithTheIntegerId()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: true, ct));

        var output = await LuaWs.RunToEndAsync($$"""
            local id
            id = net.ws:connect("{{server.Url}}", {
              on_open = function(i)
                print("open", i == id, net.ws:is_open(i))
                print("send", net.ws:send(i, "hello ✓"), net.ws:send(i, "second"))
              end,
              on_message = function(i, msg)
                print("message", i == id, msg)
                if msg == "second" then net.ws:close(i) net.ws:close(i) end
              end,
              on_error = function(i, err) print("error", err) end,
              on_close = function(i, code, reason)
                print("close", i == id, code, reason, net.ws:is_open(i), net.ws:send(i, "late"))
                script.unload()
              end,
            })
            print("id", math.type(id), net.ws:is_open(id), net.ws:send(id, "too early"))
            """);

        Assert.Equal(
            ["id\tinteger\tfalse\tfalse", "open\ttrue\ttrue", "send\ttrue\ttrue", "message\ttrue\thello ✓", "message\ttrue\tsecond", "close\ttrue\t1000\t\tfalse\tfalse"],
            output.Prints);
        Assert.Equal((1000, ""), await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait));
        Assert.Empty(LuaWs.Problems(output));
    }

    [Fact]
    public async Task Send_TextThatIsNotUtf8_RaisesAtTheCallAndTheConnectionStaysOpen()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: true, ct));

        var output = await LuaWs.RunToEndAsync($$"""
            net.ws:connect("{{server.Url}}", {
              on_open = function(id)
                print(pcall(net.ws.send, net.ws, id, "caf\233"))
                print(net.ws:send(id, "after"))
              end,
              on_message = function(id, msg) print("echo", msg) net.ws:close(id) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            })
            """);

        Assert.Equal(
            [
                "false\tbad argument #2 to 'send' (message is not UTF-8 text (byte 4 is not valid UTF-8); a text frame must be UTF-8: convert the text to UTF-8, or encode binary data as text first (hex or base64))",
                "true", "echo\tafter", "close\t1000",
            ],
            output.Prints);
        Assert.Equal((1000, ""), await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait));
    }

    // From 128 bytes on, text is checked by the host's vectorised check instead of utf8.len: the same
    // refusals (a stray byte, a surrogate, an overlong form) name the same byte, and valid text passes.
    [Fact]
    public async Task Send_LongText_RefusedOrSentAsShortTextIs()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: true, ct));

        var output = await LuaWs.RunToEndAsync($$"""
            local function refused(msg)
              local ok, err = pcall(net.ws.send, net.ws, current, msg)
              print(ok, err and err:match("byte %d+"))
            end
            local long = ("\226\156\147"):rep(400)
            net.ws:connect("{{server.Url}}", {
              on_open = function(id)
                current = id
                refused(("\195\169"):rep(300) .. "\255" .. ("a"):rep(100))
                refused(("a"):rep(200) .. "\237\160\128")
                refused(("a"):rep(200) .. "\192\175")
                refused(("a"):rep(127) .. "\128")
                print(net.ws:send(id, long))
              end,
              on_message = function(id, msg) print("echo", #msg, msg == long) net.ws:close(id) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            })
            """);

        Assert.Equal(
            ["false\tbyte 601", "false\tbyte 201", "false\tbyte 201", "false\tbyte 128", "true", "echo\t1200\ttrue", "close\t1000"],
            output.Prints);
        Assert.Equal((1000, ""), await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait));
    }

    [Fact]
    public async Task Connect_UrlWithUserInfoAndFragment_SendsBasicAuthorizationAndNoFragment()
    {
        var seen = new TaskCompletionSource<(string Authorization, string Target)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestWsServer.StartAsync(async context =>
        {
            seen.TrySetResult((context.Request.Headers.Authorization.ToString(), context.Request.Path + context.Request.QueryString));
            using var ws = await context.WebSockets.AcceptWebSocketAsync();
            await ServerSide.RunAsync(ws, new ServerLog(), echo: true, context.RequestAborted);
        });
        var url = server.Url.Replace("ws://", "ws://mod%20user:p%40ss@", StringComparison.Ordinal) + "feed?x=1#section";

        var output = await LuaWs.RunToEndAsync($$"""
            net.ws:connect("{{url}}", {
              on_open = function(id) print("open") net.ws:close(id) end,
              on_error = function(_, err) print("error", err) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            })
            """);

        Assert.Equal(["open", "close\t1000"], output.Prints);
        var (authorization, target) = await seen.Task.WaitAsync(RecordingEvents.Wait);
        Assert.Equal("Basic " + Convert.ToBase64String("mod user:p@ss"u8.ToArray()), authorization);
        Assert.Equal("/feed?x=1", target);
    }

    [Fact]
    public async Task OnMessage_BinaryWithAllByteValues_IsTheExactLuaString()
    {
        var all = TestBytes.AllValues();
        await using var server = await TestWsServer.StartWebSocketAsync(async (ws, ct) =>
        {
            await ws.SendAsync(all, WebSocketMessageType.Binary, endOfMessage: true, ct);
            await ws.SendAsync("text ✓ \0 inside"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, ct);
            await ServerSide.RunAsync(ws, new ServerLog(), echo: false, ct);
        });

        var output = await LuaWs.RunToEndAsync($$"""
            local n = 0
            net.ws:connect("{{server.Url}}", {
              on_message = function(id, msg)
                n = n + 1
                if n == 1 then
                  local ok = #msg == 256
                  for i = 1, #msg do
                    if msg:byte(i) ~= i - 1 then ok = false end
                  end
                  print("binary", #msg, ok)
                else
                  print("text", #msg, msg == "text \u{2713} \0 inside")
                  net.ws:close(id)
                end
              end,
              on_close = function() script.unload() end,
            })
            """);

        Assert.Equal(["binary\t256\ttrue", "text\t17\ttrue"], output.Prints);
    }

    [Fact]
    public async Task Connect_RefusedPort_OnErrorThenOnClose1006AndReconnectWithoutClose()
    {
        var output = await LuaWs.RunToEndAsync($$"""
            local tries = 0
            local function go()
              tries = tries + 1
              local id = net.ws:connect("ws://127.0.0.1:{{LoopbackPorts.Free()}}/", {
                on_open = function() print("open?!") end,
                on_error = function(i, err) print("error", tries, err:find("connection refused", 1, true) ~= nil) end,
                on_close = function(i, code, reason)
                  print("close", tries, code)
                  if tries < 3 then go() else script.unload() end
                end,
              })
            end
            go()
            """);

        Assert.Equal(["error\t1\ttrue", "close\t1\t1006", "error\t2\ttrue", "close\t2\t1006", "error\t3\ttrue", "close\t3\t1006"], output.Prints);
        Assert.Empty(LuaWs.Problems(output));
    }

    [Fact]
    public async Task Connect_MalformedUrl_ReturnsIdThenOnErrorAndOnClose1006()
    {
        var output = await LuaWs.RunToEndAsync("""
            local id = net.ws:connect("http://127.0.0.1/", {
              on_error = function(i, err) print("error", err) end,
              on_close = function(i, code) print("close", code) script.unload() end,
            })
            print("id", math.type(id))
            """);

        Assert.Equal(["id\tinteger", "error\tunsupported URL scheme 'http' in 'http://127.0.0.1/': expected ws:// or wss://", "close\t1006"], output.Prints);
    }

    [Fact]
    public async Task OnMessage_CallbackRaises_ErrorLoggedWithScriptLineAndTheConnectionGoesOn()
    {
        await using var server = await TestWsServer.StartWebSocketAsync(async (ws, ct) =>
        {
            await ws.SendAsync("first"u8.ToArray(), WebSocketMessageType.Text, true, ct);
            await ws.SendAsync("second"u8.ToArray(), WebSocketMessageType.Text, true, ct);
            await ServerSide.RunAsync(ws, new ServerLog(), echo: false, ct);
        });

        var output = await LuaWs.RunToEndAsync($$"""
            net.ws:connect("{{server.Url}}", {
              on_message = function(id, msg)
                if msg == "first" then error("boom on " .. msg) end
                print("got", msg)
                net.ws:close(id)
              end,
              on_close = function(id, code) print("close", code) script.unload() end,
            })
            """);

        Assert.Equal(["got\tsecond", "close\t1000"], output.Prints);
        var error = Assert.Single(LuaWs.Problems(output));
        Assert.Contains("net.ws on_message callback", error, StringComparison.Ordinal);
        Assert.Contains(".lua:3: boom on first", error, StringComparison.Ordinal);
        Assert.Contains("traceback", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_WrongTypes_RaiseBadArgumentAndUnknownIdsAreHarmless()
    {
        var output = await LuaWs.RunToEndAsync("""
            local function try(f, ...)
              local ok, err = pcall(f, ...)
              print(ok, (tostring(err):gsub("^.-:%d+: ", "")))
            end
            try(function() net.ws:connect(42, {}) end)
            try(function() net.ws:connect("ws://127.0.0.1:1/") end)
            try(function() net.ws:connect("ws://127.0.0.1:1/", { on_open = "nope" }) end)
            try(function() net.ws.connect("ws://127.0.0.1:1/", {}) end)
            try(function() net.ws:send("one", "x") end)
            try(function() net.ws:send(1.5, "x") end)
            try(function() net.ws:send(1, {}) end)
            try(function() net.ws:close() end)
            try(function() net.ws:is_open("x") end)
            print(net.ws:send(12345, "x"), net.ws:is_open(12345), net.ws:close(12345), net.ws:send("12345", "x"))
            script.unload()
            """);

        Assert.Equal(
            [
                "false\tbad argument #1 to 'connect' (string expected, got number)",
                "false\tbad argument #2 to 'connect' (table expected, got nil)",
                "false\tbad argument #2 to 'connect' (field 'on_open' must be a function, got string)",
                "false\tnet.ws:connect must be called with a colon: net.ws:connect(...)",
                "false\tbad argument #1 to 'send' (number expected, got string)",
                "false\tbad argument #1 to 'send' (connection id must be an integer, got 1.5)",
                "false\tbad argument #2 to 'send' (string expected, got table)",
                "false\tbad argument #1 to 'close' (number expected, got nil)",
                "false\tbad argument #1 to 'is_open' (number expected, got string)",
                "false\tfalse\tnil\tfalse",
            ],
            output.Prints);
    }

    [Fact]
    public async Task Unload_WithMessagesQueuedForTheScript_ServerSees1001AndNoCallbackRuns()
    {
        const int burst = 100;
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync(async (ws, ct) =>
        {
            for (var i = 0; i < burst; i++)
            {
                await ws.SendAsync("queued"u8.ToArray(), WebSocketMessageType.Text, true, ct);
            }

            await ServerSide.RunAsync(ws, log, echo: false, ct);
        });
        using var gate = new MenuThreadGate();

        // on_open holds the menu thread until the test opens the gate; meanwhile the burst queues up
        // for it. The time limit is raised so the callback goes on to unload after the wait.
        await using var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write($$"""
            net.ws:connect("{{server.Url}}", {
              on_open = function(id)
                print("open")
                gate.wait()
                script.unload()
              end,
              on_message = function() print("message") end,
              on_error = function(_, err) print("error", err) end,
              on_close = function(_, code) print("close", code) end,
            })
            """)],
            options: o => o with { CallbackTimeLimit = MenuThreadGate.Bound * 2 },
            configure: e => e.AddModule(gate));
        await gate.Waiting.WaitAsync(RecordingEvents.Wait);
        await WaitUntilAsync(() => runner.Engine.Dispatcher.PendingCount >= burst);
        var queued = runner.Engine.Dispatcher.PendingCount;
        gate.Open();

        Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());
        Assert.Equal((1001, "script unloaded"), await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait));
        Assert.True(queued >= burst, $"{queued} callbacks were queued when the script unloaded");
        Assert.Equal(["open"], runner.Output.Prints);
        Assert.Empty(LuaWs.Problems(runner.Output));
    }

    [Fact]
    public async Task Unload_ConnectionStillConnecting_ConnectAbandonedAndNoCallbackRuns()
    {
        var handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestWsServer.StartAsync(async context =>
        {
            handshake.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted); // never answers the handshake
            }
            catch (OperationCanceledException)
            {
                abandoned.TrySetResult();
            }
        });

        await using var runner = await EngineRunner.StartAsync([LuaScripts.Write($$"""
            net.ws:connect("{{server.Url}}", {
              on_open = function() print("open") end,
              on_error = function(_, err) print("error", err) end,
              on_close = function(_, code) print("close", code) end,
            })
            event.on("frame_update", function() end)
            """)]);
        await handshake.Task.WaitAsync(RecordingEvents.Wait);
        await runner.InvokeAsync(engine => engine.UnloadAllScripts());

        Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());
        await abandoned.Task.WaitAsync(RecordingEvents.Wait);
        Assert.Empty(runner.Output.Prints);
        Assert.Empty(LuaWs.Problems(runner.Output));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RecordingEvents.Wait);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
