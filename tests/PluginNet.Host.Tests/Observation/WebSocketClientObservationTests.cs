using System.Text;
using Microsoft.AspNetCore.Builder;
using PluginNet.Core.Observation;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Observation;

/// <summary>A real script's net.ws connections against Kestrel on 127.0.0.1, as an attached observer hears them.</summary>
public class WebSocketClientObservationTests : IAsyncLifetime
{
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestHttpServer.StartAsync(app =>
        {
            app.UseWebSockets();
            TestHttpServer.MapEcho(app, "/echo");

            // Accepts, waits for the client's first message (so the client has opened), then drops the TCP
            // connection without a close frame: the client sees 1006.
            app.Map("/drop", async context =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await socket.ReceiveAsync(new byte[64], context.RequestAborted);
                context.Abort();
            });
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Echo_ObserverHearsEveryStepInOrder_WithPayloadsAndCloseCode()
    {
        var observer = new ObservationRecorder();
        var url = _server.WebSocketUrl("/echo");
        var script = LuaScripts.Write($$"""
            local got = 0
            local id = net.ws:connect("{{url}}", {
              on_open = function(c) net.ws:send(c, "hello"); net.ws:send_binary(c, "\0\1\2") end,
              on_message = function(c, msg) got = got + 1; if got == 2 then net.ws:close(c) end end,
              on_close = function(c, code) print("closed " .. code); script.unload() end,
            })
            print("id=" .. id)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        var id = long.Parse(runner.Output.Prints.Single(p => p.StartsWith("id=", StringComparison.Ordinal))[3..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("closed 1000", runner.Output.Prints);
        var events = observer.WebSockets.ToList();
        Assert.Equal(
            [WebSocketObservationKind.Connecting, WebSocketObservationKind.Opened, WebSocketObservationKind.Sent, WebSocketObservationKind.Sent,
             WebSocketObservationKind.Received, WebSocketObservationKind.Received, WebSocketObservationKind.Closed],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal((Path.GetFileName(script), WebSocketSide.Client, id, 0L), (e.Script, e.Side, e.Connection, e.Client)));
        Assert.Equal(url, events[0].Url);
        Assert.Equal(("hello", false), (Encoding.Latin1.GetString(events[2].Payload.Span), events[2].Binary));
        Assert.Equal([0, 1, 2], events[3].Payload.ToArray());
        Assert.True(events[3].Binary);

        // The echo answers everything as text.
        Assert.Equal(["hello", "\0\u0001\u0002"], events.Where(e => e.Kind == WebSocketObservationKind.Received).Select(e => Encoding.Latin1.GetString(e.Payload.Span)));
        Assert.Equal(Documented.NormalClosure, events[^1].CloseCode);
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.At <= pair.Second.At));
    }

    [Fact]
    public async Task LostConnection_ObserverHearsFailedWithTheScriptsWords_ThenClosed1006()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write($$"""
            net.ws:connect("{{_server.WebSocketUrl("/drop")}}", {
              on_open = function(c) net.ws:send(c, "drop me") end,
              on_error = function(c, err) print("error " .. err) end,
              on_close = function(c, code, reason) print("closed " .. code); script.unload() end,
            })
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        var events = observer.WebSockets.ToList();
        Assert.Equal([WebSocketObservationKind.Connecting, WebSocketObservationKind.Opened, WebSocketObservationKind.Sent], events.Take(3).Select(e => e.Kind));
        var closed = events[^1];
        Assert.Equal((WebSocketObservationKind.Closed, Documented.AbnormalClosure), (closed.Kind, closed.CloseCode));
        Assert.Contains("closed 1006", runner.Output.Prints);
        var heard = runner.Output.Prints.Where(p => p.StartsWith("error ", StringComparison.Ordinal)).Select(p => p["error ".Length..]).ToList();
        Assert.NotEmpty(heard);
        Assert.Equal(heard, events.Where(e => e.Kind == WebSocketObservationKind.Failed).Select(e => e.Error));
    }

    [Fact]
    public async Task Reconnect_EachTryIsAnotherConnecting_OnTheSameId()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write($$"""
            local tries = 0
            net.ws:connect("{{_server.WebSocketUrl("/drop")}}", {
              on_open = function(c) print("open"); net.ws:send(c, "drop me") end,
              on_reconnecting = function(c)
                tries = tries + 1
                if tries == 2 then net.ws:close(c) end
              end,
              on_close = function(c, code) print("closed " .. code); script.unload() end,
            }, { reconnect = { initial = 0.05, jitter = false } })
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        var events = observer.WebSockets.ToList();
        var opens = runner.Output.Prints.Count(p => p == "open");
        Assert.Equal(2, opens);
        Assert.Equal(opens, events.Count(e => e.Kind == WebSocketObservationKind.Connecting));
        Assert.Equal(opens, events.Count(e => e.Kind == WebSocketObservationKind.Opened));
        Assert.Single(events.Select(e => e.Connection).Distinct());
        Assert.Equal((WebSocketObservationKind.Closed, Documented.AbnormalClosure, "closed while reconnecting"), (events[^1].Kind, events[^1].CloseCode, events[^1].CloseReason));
    }

    [Fact]
    public async Task ScriptUnloads_ObserverHearsTheConnectionClosedGoingAway()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write($$"""
            net.ws:connect("{{_server.WebSocketUrl("/echo")}}", { on_open = function() script.unload() end })
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        Assert.Equal([WebSocketObservationKind.Connecting, WebSocketObservationKind.Opened, WebSocketObservationKind.Closed], observer.WebSockets.Select(e => e.Kind));
        Assert.Equal((Documented.GoingAway, "script unloaded"), (observer.WebSockets.Last().CloseCode, observer.WebSockets.Last().CloseReason));
    }
}
