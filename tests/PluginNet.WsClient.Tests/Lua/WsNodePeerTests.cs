using System.Globalization;
using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.WsClient.Tests.Lua;

/// <summary>net.ws's options, binary messages, keepalive, deflate, the send-queue cap and reconnect, against Node <c>ws</c> servers on 127.0.0.1.</summary>
public sealed class WsNodePeerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Connect_HeadersAndProtocols_ServerSeesThemAndOnOpenTellsTheChoiceAndTextAndBinaryComeBackByteExact()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { echo = true, protocols = new[] { "chat.v2", "chat.v1" } });
        await using var _ = peer;

        var lua = await LuaWs.RunToEndAsync($$"""
            local sent = { { "text ✓", false }, { "\0\1\2\255bin", true }, { "second", false }, { "", true } }
            local got = 0
            net.ws:connect("ws://127.0.0.1:{{port}}/feed", {
              on_open = function(id, info)
                print("open", info.protocol, info.headers["sec-websocket-protocol"], info.headers["upgrade"])
                for _, m in ipairs(sent) do
                  print("sent", m[2] and net.ws:send_binary(id, m[1]) or net.ws:send(id, m[1]))
                end
              end,
              on_message = function(id, msg, is_binary)
                got = got + 1
                print("echo", msg == sent[got][1], is_binary == sent[got][2], #msg)
                if got == #sent then net.ws:close(id) end
              end,
              on_error = function(_, err) print("error", err) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            }, { headers = { Authorization = "Bearer token-1", ["X-Mod"] = "hud" }, protocols = { "chat.v1", "chat.v2" } })
            """);

        var connection = peer.Seen.Single(e => (string?)e["event"] == "connection");
        output.WriteLine(connection.ToJsonString());
        Assert.Equal("Bearer token-1", (string?)connection["headers"]!["authorization"]);
        Assert.Equal("hud", (string?)connection["headers"]!["x-mod"]);
        Assert.Equal("chat.v1, chat.v2", (string?)connection["headers"]!["sec-websocket-protocol"]);
        Assert.Equal(
            [
                "open\tchat.v2\tchat.v2\twebsocket", "sent\ttrue", "sent\ttrue", "sent\ttrue", "sent\ttrue",
                "echo\ttrue\ttrue\t8", "echo\ttrue\ttrue\t7", "echo\ttrue\ttrue\t6", "echo\ttrue\ttrue\t0", "close\t1000",
            ],
            lua.Prints);
        var binary = peer.Seen.Where(e => (string?)e["event"] == "message").Select(e => (bool)e["binary"]!).ToArray();
        Assert.Equal([false, true, false, true], binary);
    }

    [Fact]
    public async Task Connect_ServerPicksAProtocolNotOffered_OnErrorAndClose1006()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { pick = "evil" });
        await using var _ = peer;

        var lua = await LuaWs.RunToEndAsync($$"""
            net.ws:connect("ws://127.0.0.1:{{port}}/", {
              on_open = function() print("open") end,
              on_error = function(_, err) print("error", err ~= nil) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            }, { protocols = { "good" } })
            """);

        Assert.Equal(["error\ttrue", "close\t1006"], lua.Prints);
    }

    [Fact]
    public async Task Connect_Server401_OnErrorNamesTheStatus()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { status = 401 });
        await using var _ = peer;

        var lua = await LuaWs.RunToEndAsync($$"""
            net.ws:connect("ws://127.0.0.1:{{port}}/", {
              on_error = function(_, err) print("error", err) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            })
            """);

        Assert.Contains("handshake refused: HTTP 401 Unauthorized", lua.Prints[0], StringComparison.Ordinal);
        Assert.Equal("close\t1006", lua.Prints[1]);
    }

    [Theory]
    [InlineData("{ headers = { ['Bad\\nName'] = 'x' } }", "option 'headers' has a line break")]
    [InlineData("{ headers = { Good = 'a\\r\\nInjected: 1' } }", "option 'headers' has a line break")]
    [InlineData("{ headers = { ['Sec-WebSocket-Protocol'] = 'x' } }", "may not set 'Sec-WebSocket-Protocol'")]
    [InlineData("{ protocols = { 'a b' } }", "entry 1 is not a valid subprotocol name")]
    [InlineData("{ protocols = { 'x\\r\\n' } }", "entry 1 is not a valid subprotocol name")]
    [InlineData("{ ping_interval = 0 }", "option 'ping_interval' must be a positive number of seconds")]
    [InlineData("{ max_message = 67108865 }", "option 'max_message' must be a whole number of bytes from 1 to 67108864")]
    [InlineData("{ compress = 'yes' }", "option 'compress' must be a boolean")]
    [InlineData("{ reconnect = { factor = 0.5 } }", "field 'factor' must be at least 1")]
    [InlineData("{ reconnect = { tries = 3 } }", "unknown reconnect field 'tries'")]
    [InlineData("{ timeout = 3 }", "unknown option 'timeout'; did you mean")]
    public async Task Connect_BadOption_RaisesAtTheCallNamingTheOption(string options, string expected)
    {
        var lua = await LuaWs.RunToEndAsync($$"""
            print(pcall(function() net.ws:connect("ws://127.0.0.1:1/", {}, {{options}}) end))
            script.unload()
            """);

        Assert.StartsWith("false\t", lua.Prints[0], StringComparison.Ordinal);
        Assert.Contains("bad argument #3 to 'connect'", lua.Prints[0], StringComparison.Ordinal);
        Assert.Contains(expected, lua.Prints[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingInterval_PeerSeesPings()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { });
        await using var _ = peer;

        var run = LuaWs.RunToEndAsync($$"""
            net.ws:connect("ws://127.0.0.1:{{port}}/", {
              on_close = function(_, code) print("close", code) script.unload() end,
            }, { ping_interval = 0.2 })
            """);
        await peer.NextAsync("connection");
        var first = await peer.NextAsync("ping");
        var second = await peer.NextAsync("ping");
        var gap = (long)second["at"]! - (long)first["at"]!;
        output.WriteLine($"gap between pings: {gap} ms");
        await peer.CommandAsync(new { cmd = "close" });
        var lua = await run;

        Assert.InRange(gap, 100, 1500);
        Assert.Equal(["close\t1000"], lua.Prints);
    }

    [Fact]
    public async Task PongTimeout_PeerNeverAnswers_OnErrorNoPongAndClose1006WithinIntervalPlusTimeout()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { autoPong = false });
        await using var _ = peer;

        var run = LuaWs.RunToEndAsync($$"""
            net.ws:connect("ws://127.0.0.1:{{port}}/", {
              on_open = function() print("open") end,
              on_error = function(_, err) print("error", err) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            }, { ping_interval = 0.3, pong_timeout = 0.4 })
            """);
        var opened = (long)(await peer.NextAsync("connection"))["at"]!;
        var dropped = (long)(await peer.NextAsync("close"))["at"]!;
        var lua = await run;
        var elapsed = TimeSpan.FromMilliseconds(dropped - opened);
        output.WriteLine($"dropped {elapsed.TotalMilliseconds:0} ms after the open");

        Assert.Equal(["open", "error\tno pong within 0.4 s; connection dropped", "close\t1006"], lua.Prints);
        Assert.True(peer.Seen.Count(e => (string?)e["event"] == "ping") >= 1);
        Assert.InRange(elapsed.TotalSeconds, 0.6, 0.3 + 0.4 + 2.0);
    }

    [Fact]
    public async Task Compress_OneMegabyteCompressible_RoundTripsWithTenTimesFewerBytesOnTheWire()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { echo = true, deflate = true });
        await using var _ = peer;

        var lua = await LuaWs.RunToEndAsync($$"""
            local big = string.rep("PluginNet status line 012345678\n", 32768) -- 32 bytes x 32768 = 1 MiB
            net.ws:connect("ws://127.0.0.1:{{port}}/", {
              on_open = function(id, info)
                print("ext", info.headers["sec-websocket-extensions"] ~= nil)
                net.ws:send(id, big)
              end,
              on_message = function(id, msg) print("echo", msg == big, #msg) net.ws:close(id) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            }, { compress = true })
            """);

        var close = await peer.NextAsync("close");
        var connection = peer.Seen.Single(e => (string?)e["event"] == "connection");
        var read = (long)close["bytesRead"]!;
        var written = (long)close["bytesWritten"]!;
        var ratio = 1048576.0 / read;
        output.WriteLine($"extensions {connection["extensions"]}; peer read {read} bytes, wrote {written}; ratio {ratio.ToString("0.0", CultureInfo.InvariantCulture)}x");
        Assert.Equal(["ext\ttrue", "echo\ttrue\t1048576", "close\t1000"], lua.Prints);
        Assert.Contains("permessage-deflate", connection["extensions"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.True(read * 10 <= 1048576, $"the peer read {read} bytes for a 1 MiB message");
        Assert.True(written * 10 <= 1048576, $"the peer wrote {written} bytes for a 1 MiB message");
    }

    [Fact]
    public async Task Send_PeerNeverReads_QueueStopsAtTheCapSendReturnsFalseAndOnErrorSaysWhy()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { noRead = true });
        await using var _ = peer;

        var lua = await LuaWs.RunToEndAsync($$"""
            local chunk = string.rep("x", 256 * 1024)
            local reported, link, accepted, offered = false, nil, 0, 0
            -- 8 messages (2 MB) a frame, up to 100 (25 MB, more than the kernel's socket buffers take),
            -- until the first refusal.
            event.on("frame_update", function()
              if link == nil or offered < 0 then return end
              for _ = 1, 8 do
                offered = offered + 1
                if not net.ws:send_binary(link, chunk) then
                  local queued = net.ws:buffered(link)
                  -- Only the upper bound holds after the refusal: the writer may have drained into the
                  -- kernel's buffers since (a loaded run read under 1 MiB here).
                  print("refused", offered < 100, queued <= 2 * 1024 * 1024)
                  offered = -1
                  return
                end
                if offered >= 100 then print("never refused") offered = -1 return end
              end
            end)
            net.ws:connect("ws://127.0.0.1:{{port}}/", {
              on_open = function(i) link = i end,
              on_error = function(i, err)
                if reported then return end
                reported = true
                -- Said only for a refusal while open, i.e. by the cap.
                local waiting = err:match("^send queue full: (%d+) bytes still waiting to be sent %(max_buffered is 2097152%)")
                print("error", waiting ~= nil and tonumber(waiting) <= 2 * 1024 * 1024)
                script.unload() -- a close would wait behind the queue the peer never reads
              end,
            }, { max_buffered = 2 * 1024 * 1024 })
            """);

        output.WriteLine(lua.Transcript);
        Assert.Equal(["refused\ttrue\ttrue", "error\ttrue"], lua.Prints);
    }

    [Fact]
    public async Task Reconnect_PeerRestartsThreeTimes_BackOffDelaysAreKeptAndOnCloseRunsOnce()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { });
        await using var _ = peer;

        var run = LuaWs.RunToEndAsync($$"""
            local opens = 0
            net.ws:connect("ws://127.0.0.1:{{port}}/", {
              on_open = function(id)
                opens = opens + 1
                print("open", opens)
                if opens == 4 then net.ws:close(id) end
              end,
              on_reconnecting = function(_, attempt, delay) print("reconnecting", attempt, delay) end,
              on_close = function(_, code, reason) print("close", code) script.unload() end,
            }, { reconnect = { initial = 0.2, factor = 2, max = 1, jitter = false } })
            """, TimeSpan.FromSeconds(60));

        var gaps = new List<double>();
        for (var restart = 0; restart < 3; restart++)
        {
            await peer.NextAsync("connection");
            await peer.CommandAsync(new { cmd = "restart", refuse = 2 });
            var stopped = await peer.NextAsync("stopped");
            var at = (long)stopped["at"]!;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var handshake = await peer.NextAsync("handshake");
                gaps.Add(((long)handshake["at"]! - at) / 1000.0);
                at = (long)handshake["at"]!;
            }
        }

        var lua = await run;
        output.WriteLine("gaps: " + string.Join(", ", gaps.Select(g => g.ToString("0.000", CultureInfo.InvariantCulture))));
        output.WriteLine(string.Join("\n", lua.Prints));

        string[] cycle = ["reconnecting\t1\t0.2", "reconnecting\t2\t0.4", "reconnecting\t3\t0.8"];
        Assert.Equal(
            ["open\t1", .. cycle, "open\t2", .. cycle, "open\t3", .. cycle, "open\t4", "close\t1000"],
            lua.Prints);
        double[] expected = [0.2, 0.4, 0.8];
        for (var i = 0; i < gaps.Count; i++)
        {
            // Each try comes its delay after the one before (a refused try takes milliseconds on loopback).
            // The lower bound carries the claim; a busy machine can only make a try later, never earlier,
            // so the upper bound only separates the kept delay from the next one's (0.2 → 0.4 → 0.8 s).
            Assert.InRange(gaps[i], expected[i % 3] - 0.02, expected[i % 3] + 1.5);
        }
    }
}
