using System.Net.WebSockets;
using System.Text;
using PluginNet.Core.Observation;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Observation;

/// <summary>A real script's net.ws_server with two ClientWebSocket clients on 127.0.0.1, as an attached observer hears it.</summary>
public class WebSocketServerObservationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TwoClients_ObserverHearsOpenMessagesBroadcastPerClientAndCloseCodes()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write("""
            local srv
            local closed = 0
            srv = net.ws_server:listen(0, {
              on_open = function(c) srv:send(c, "welcome " .. c) end,
              on_message = function(c, msg) if msg == "all" then srv:broadcast("everyone") end end,
              on_close = function(c)
                closed = closed + 1
                if closed == 2 then srv:close(); script.unload() end
              end,
            }, { ws_path = "/live" })
            print("port=" .. srv.port .. " id=" .. srv.id)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        var port = await runner.WaitForPortAsync(Wait);
        var serverId = long.Parse(runner.Output.Prints.Single(p => p.StartsWith("port=", StringComparison.Ordinal)).Split(" id=")[1], System.Globalization.CultureInfo.InvariantCulture);
        var url = new Uri($"ws://127.0.0.1:{port}/live");

        using var a = new ClientWebSocket();
        await a.ConnectAsync(url, CancellationToken.None).WaitAsync(Wait);
        var aId = long.Parse((await ReceiveAsync(a))["welcome ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        using var b = new ClientWebSocket();
        await b.ConnectAsync(url, CancellationToken.None).WaitAsync(Wait);
        var bId = long.Parse((await ReceiveAsync(b))["welcome ".Length..], System.Globalization.CultureInfo.InvariantCulture);

        await a.SendAsync("all"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Wait);
        Assert.Equal("everyone", await ReceiveAsync(a));
        Assert.Equal("everyone", await ReceiveAsync(b));
        await a.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Wait);
        await b.CloseAsync((WebSocketCloseStatus)4000, "later", CancellationToken.None).WaitAsync(Wait);
        await runner.WaitForExitAsync();

        var events = observer.WebSockets.ToList();
        Assert.All(events, e => Assert.Equal((Path.GetFileName(script), WebSocketSide.Server, serverId), (e.Script, e.Side, e.Connection)));
        var ofA = events.Where(e => e.Client == aId).ToList();
        var ofB = events.Where(e => e.Client == bId).ToList();
        Assert.Equal(
            [WebSocketObservationKind.Opened, WebSocketObservationKind.Sent, WebSocketObservationKind.Received, WebSocketObservationKind.Sent, WebSocketObservationKind.Closed],
            ofA.Select(e => e.Kind));
        Assert.Equal([WebSocketObservationKind.Opened, WebSocketObservationKind.Sent, WebSocketObservationKind.Sent, WebSocketObservationKind.Closed], ofB.Select(e => e.Kind));
        Assert.Equal(url.ToString(), ofA[0].Url);
        Assert.Equal(url.ToString(), ofB[0].Url);
        Assert.Equal($"welcome {aId}", Text(ofA[1]));
        Assert.Equal("all", Text(ofA[2]));
        Assert.Equal(["everyone", "everyone"], [Text(ofA[3]), Text(ofB[2])]);
        Assert.Equal((Documented.NormalClosure, "bye"), (ofA[^1].CloseCode, ofA[^1].CloseReason));
        Assert.Equal((4000, "later"), (ofB[^1].CloseCode, ofB[^1].CloseReason));

        // A broadcast is one Sent per client, sharing one payload.
        var broadcast = observer.WebSocketsAsGiven.Where(e => e.Kind == WebSocketObservationKind.Sent && e.Payload.Span.SequenceEqual("everyone"u8)).ToList();
        Assert.Equal(2, broadcast.Count);
        Assert.True(broadcast[0].Payload.Equals(broadcast[1].Payload));
    }

    [Fact]
    public async Task OversizeMessage_ObserverHearsFailedWithTheScriptsWords_ThenClosed1009()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write("""
            local srv
            srv = net.ws_server:listen(0, {
              on_error = function(c, err) print("error " .. err) end,
              on_close = function(c, code) print("closed " .. code) srv:close() script.unload() end,
            }, { max_message = 16 })
            print("port=" .. srv.port .. " id=" .. srv.id)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        var port = await runner.WaitForPortAsync(Wait);
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), CancellationToken.None).WaitAsync(Wait);
        await client.SendAsync(Encoding.ASCII.GetBytes(new string('x', 100)), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Wait);
        await runner.WaitForExitAsync();

        var events = observer.WebSockets.ToList();
        Assert.Equal([WebSocketObservationKind.Opened, WebSocketObservationKind.Failed, WebSocketObservationKind.Closed], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal((Path.GetFileName(script), WebSocketSide.Server), (e.Script, e.Side)));
        var said = runner.Output.Prints.Single(p => p.StartsWith("error ", StringComparison.Ordinal))["error ".Length..];
        Assert.Contains("1009", said, StringComparison.Ordinal);
        Assert.Equal(said, events[1].Error); // the observer hears what the script's on_error was told
        Assert.Equal("closed 1009", runner.Output.Prints.Single(p => p.StartsWith("closed ", StringComparison.Ordinal)));
        Assert.Equal(1009, events[2].CloseCode);
    }

    [Fact]
    public async Task ScriptUnloads_ObserverHearsEachClientClosedGoingAway()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write("""
            local srv
            srv = net.ws_server:listen(0, { on_message = function() script.unload() end })
            print("port=" .. srv.port)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        var port = await runner.WaitForPortAsync(Wait);
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), CancellationToken.None).WaitAsync(Wait);
        await client.SendAsync("go"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Wait);
        await runner.WaitForExitAsync();

        Assert.Equal(
            [WebSocketObservationKind.Opened, WebSocketObservationKind.Received, WebSocketObservationKind.Closed],
            observer.WebSockets.Select(e => e.Kind));
        var closed = observer.WebSockets.Last();
        Assert.Equal((Documented.GoingAway, "script unloaded", observer.WebSockets.First().Client), (closed.CloseCode, closed.CloseReason, closed.Client));
    }

    private static string Text(WebSocketObservation e) => Encoding.UTF8.GetString(e.Payload.Span);

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Wait);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
