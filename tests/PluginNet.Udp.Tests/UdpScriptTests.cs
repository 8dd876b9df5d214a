using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Udp.Tests;

/// <summary>net.udp against a real peer on 127.0.0.1, with the real Udp plugin loaded from plugins.json.</summary>
public class UdpScriptTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SendAndReceive_All256ByteValues_ByteExactBothWays()
    {
        using var peer = new UdpPeer();
        var script = LuaScripts.Write($$"""
            local all = {}
            for i = 0, 255 do all[#all + 1] = string.char(i) end
            all = table.concat(all)
            local sock
            sock = assert(net.udp:bind(0, {
              on_message = function(data, host, port)
                print("got", #data, data == all, host, port == {{peer.Port}})
                sock:send(host, port, data)
              end,
            }))
            print("port", sock.port)
            print("sent", sock:send("127.0.0.1", {{peer.Port}}, all))
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        var port = int.Parse((await runner.Output.WaitForPrintAsync(p => p.StartsWith("port", StringComparison.Ordinal), Wait)).Split('\t')[1], CultureInfo.InvariantCulture);
        var all = TestBytes.AllValues();

        Assert.Equal("sent\ttrue", await runner.Output.WaitForPrintAsync(p => p.StartsWith("sent", StringComparison.Ordinal), Wait));
        var (fromScript, scriptPort) = await peer.ReceiveAsync();
        peer.Send(port, all);
        var echoed = await peer.ReceiveAsync();

        Assert.Equal(all, fromScript);
        Assert.Equal(port, scriptPort);
        Assert.Equal("got\t256\ttrue\t127.0.0.1\ttrue", await runner.Output.WaitForPrintAsync(p => p.StartsWith("got", StringComparison.Ordinal), Wait));
        Assert.Equal(all, echoed.Data);
    }

    [Fact]
    public async Task Receive_ThousandDatagramsAt60Fps_AllDeliveredInOrder()
    {
        using var peer = new UdpPeer();
        var script = LuaScripts.Write("""
            local expected, count = 1, 0
            local sock = assert(net.udp:bind(0, {
              on_message = function(data)
                local n = string.unpack(">I4", data)
                if n ~= expected then print("out of order", n, expected) end
                expected, count = n + 1, count + 1
                if count % 100 == 0 then print("count", count) end
              end,
            }))
            print("port", sock.port)
            """);
        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { FramesPerSecond = 60 });
        var port = int.Parse((await runner.Output.WaitForPrintAsync(p => p.StartsWith("port", StringComparison.Ordinal), Wait)).Split('\t')[1], CultureInfo.InvariantCulture);

        // In batches of 100 the script acknowledges: the kernel's receive buffer never overflows, so
        // every datagram must arrive, and in the order sent.
        for (var batch = 0; batch < 10; batch++)
        {
            for (var i = 1; i <= 100; i++)
            {
                var n = (batch * 100) + i;
                peer.Send(port, [(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n, .. new byte[60]]);
            }

            await runner.Output.WaitForPrintAsync(p => p == $"count\t{(batch + 1) * 100}", Wait);
        }

        Assert.DoesNotContain(runner.Output.Prints, p => p.StartsWith("out of order", StringComparison.Ordinal));
        Assert.Contains("count\t1000", runner.Output.Prints);
    }

    [Fact]
    public async Task Bind_PortTaken_NilAndReason()
    {
        using var taken = new UdpPeer();
        var script = LuaScripts.Write($$"""
            local sock, why = net.udp:bind({{taken.Port}}, {})
            print(sock, why)
            script.unload()
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync();

        Assert.Equal($"nil\tnet.udp:bind({taken.Port}) failed: port {taken.Port} on 127.0.0.1 is already in use; pick another port, or bind port 0 to get a free one (sock.port tells which)", Assert.Single(runner.Output.Prints));
    }

    [Fact]
    public async Task Send_NonLoopbackHostWithoutPermission_RefusedBeforeAnythingIsSent()
    {
        var script = LuaScripts.Write("""
            local sock = assert(net.udp:bind(0, {}))
            print(sock:send("192.0.2.7", 9, "x"))
            print(sock:send("localhost", 9, "x"), sock:send("::1", 9, "x") ~= nil)
            script.unload()
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync();

        Assert.Equal("false\trefused by a permission: net.udp may not reach '192.0.2.7' (only loopback addresses unless plugins.json permissions list it); add the host to the \"udp\" list there to allow it", runner.Output.Prints[0]);
        Assert.Equal("true\ttrue", runner.Output.Prints[1]);
    }

    [Theory]
    [InlineData("192.0.2.7", null, false)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("10.0.0.1", "*", true)]
    public void UdpPermission_NonLoopbackHost_AllowedOnlyWhenListed(string host, string? listed, bool allowed)
    {
        var rules = listed is null
            ? ScriptPermissions.AllowAll
            : new ScriptPermissions(new Dictionary<string, IReadOnlyList<string>> { ["udp"] = [listed] });

        Assert.Equal(allowed, TransportKind.Udp.Hosts.Check(rules, host, allowedWhenUnlisted: false) is null);
    }

    [Fact]
    public async Task Unload_OpenSocket_ClosedAndTheSamePortBindsRightAfter()
    {
        var script = LuaScripts.Write("""
            local sock = assert(net.udp:bind(0, { on_message = function() print("called after unload") end }))
            print("port", sock.port)
            """);
        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { StayAliveWithoutScripts = true });
        var port = int.Parse((await runner.Output.WaitForPrintAsync(p => p.StartsWith("port", StringComparison.Ordinal), Wait)).Split('\t')[1], CultureInfo.InvariantCulture);

        await runner.InvokeAsync(e => Assert.True(e.UnloadScript(script)));
        using var again = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        await again.SendAsync(new byte[] { 1 }, new IPEndPoint(IPAddress.Loopback, port));
        await runner.InvokeAsync(_ => { }); // a turn of the menu thread: anything posted would have run

        Assert.Equal(port, ((IPEndPoint)again.Client.LocalEndPoint!).Port);
        Assert.DoesNotContain("called after unload", runner.Output.Prints);
    }

    [Fact]
    public async Task UnloadPlugin_OpenSocket_ClosedAndContextCollected()
    {
        var script = LuaScripts.Write("""
            sock = assert(net.udp:bind(0, {}))
            print("port", sock.port)
            event.on("check", function() print("open", sock:is_open(), sock:send("127.0.0.1", sock.port, "x")) end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        var port = int.Parse((await runner.Output.WaitForPrintAsync(p => p.StartsWith("port", StringComparison.Ordinal), Wait)).Split('\t')[1], CultureInfo.InvariantCulture);

        var context = await LoadContexts.UnloadPluginAsync(runner, "Udp");
        await runner.InvokeAsync(e => e.FireEvent("check"));
        using var again = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));

        Assert.Equal("open\tfalse\tfalse", await runner.Output.WaitForPrintAsync(p => p.StartsWith("open", StringComparison.Ordinal), Wait));
        Assert.True(await LoadContexts.CollectedAsync(context), "the Udp plugin's load context is still alive after unload");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(100_000L)] // limits.udp.max_queued_bytes_per_socket in plugins.json
    public async Task Flood_FasterThanTheScript_QueueBoundHoldsDropsCountedInStatusOrderKept(long? configured)
    {
        var bound = configured ?? UdpBinderBound;
        var limits = PluginConfig.Parse("/cfg/plugins.json", configured is { } b
            ? $$"""{ "plugins": [], "limits": { "udp": { "max_queued_bytes_per_socket": {{b}} } } }"""
            : """{ "plugins": [] }""").Limits;
        using var peer = new UdpPeer();
        var script = LuaScripts.Write("""
            local last, count, disorder = 0, 0, 0
            sock = assert(net.udp:bind(0, {
              on_message = function(data)
                local n = string.unpack(">I4", data)
                if n <= last then disorder = disorder + 1 end
                last, count = n, count + 1
              end,
            }))
            print("port", sock.port)
            event.on("report", function() print("received", count, disorder) end)
            """);
        await using var runner = await EngineRunner.StartAsync([script], options: o => o.WithLimits(limits));
        var port = int.Parse((await runner.Output.WaitForPrintAsync(p => p.StartsWith("port", StringComparison.Ordinal), Wait)).Split('\t')[1], CultureInfo.InvariantCulture);
        string? status = null;
        var sent = 0;

        // The menu thread is held here while the peer floods, so nothing is delivered: datagrams pile up
        // in the socket's queue until the bound (4 MB unless plugins.json sets one), and the rest are dropped and counted.
        await runner.InvokeAsync(e =>
        {
            var payload = new byte[1000];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                for (var i = 0; i < 100; i++)
                {
                    sent++;
                    payload[0] = (byte)(sent >> 24);
                    payload[1] = (byte)(sent >> 16);
                    payload[2] = (byte)(sent >> 8);
                    payload[3] = (byte)sent;
                    peer.Send(port, payload);
                }

                status = Assert.Single(e.Status()).Resources.Single().Describe();
                if (!status.EndsWith(" 0 dropped (queue full)", StringComparison.Ordinal))
                {
                    break;
                }
            }
        });
        await runner.InvokeAsync(e => e.FireEvent("report"));
        var report = (await runner.Output.WaitForPrintAsync(p => p.StartsWith("received", StringComparison.Ordinal), Wait)).Split('\t');

        var waitingBytes = long.Parse(status!.Split('(', ')')[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.InRange(waitingBytes, bound - 1000, bound);
        Assert.Matches(@"^udp 127\.0\.0\.1:\d+, \d+ datagrams \(\d+ bytes\) waiting, [1-9]\d* dropped \(queue full\)$", status);
        Assert.InRange(int.Parse(report[1], CultureInfo.InvariantCulture), (bound / 1000) - 1, sent);
        Assert.Equal("0", report[2]);
    }

    [Theory]
    [InlineData("net.udp:bind('x', {})", "bad argument #1 to 'bind' (number expected, got string)")]
    [InlineData("net.udp:bind(70000, {})", "bad argument #1 to 'bind' (port must be an integer from 0 to 65535, got 70000)")]
    [InlineData("net.udp:bind(0, { on_message = 1 })", "bad argument #2 to 'bind' (field 'on_message' must be a function, got number)")]
    [InlineData("net.udp.bind(0, {})", "net.udp:bind must be called with a colon: net.udp:bind(...)")]
    [InlineData("assert(net.udp:bind(0, {})):send(1, 2, 'x')", "bad argument #1 to 'send' (string expected, got number)")]
    [InlineData("assert(net.udp:bind(0, {})):send('127.0.0.1', 0, 'x')", "bad argument #2 to 'send' (port must be an integer from 1 to 65535, got 0)")]
    [InlineData("assert(net.udp:bind(0, {})):send('127.0.0.1', 9, string.rep('x', 65508))", "bad argument #3 to 'send' (datagram of 65508 bytes is over the UDP limit of 65507 bytes; split it)")]
    [InlineData("assert(net.udp:bind(0, {})):send('example.com', 9, 'x')", "bad argument #1 to 'send' ('example.com' is not an IP address or localhost)")]
    [InlineData("assert(net.udp:bind(0, {})).id = 3", "UdpSocket.id is read-only")]
    public async Task BadArguments_RaiseNamingFunctionAndArgument(string code, string message)
    {
        var script = LuaScripts.Write($$"""
            local ok, err = pcall(function() {{code}} end)
            print(ok, err)
            script.unload()
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync();

        var printed = Assert.Single(runner.Output.Prints);
        Assert.StartsWith("false\t", printed);
        Assert.EndsWith(": " + message, printed);
    }

    [Fact]
    public async Task BindAndSend_PortAsNumericString_AcceptedAsLuaDoes()
    {
        var script = LuaScripts.Write("""
            local sock
            sock = assert(net.udp:bind("0", { on_message = function(data) print("got", data) script.unload() end }))
            print("sent", sock:send("127.0.0.1", tostring(sock.port), "hi"))
            print(select(2, pcall(sock.send, sock, "127.0.0.1", "9.5", "x")))
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync();

        Assert.Equal(["sent\ttrue", "bad argument #2 to 'send' (port must be an integer from 1 to 65535, got 9.5)", "got\thi"], runner.Output.Prints);
    }

    [Fact]
    public async Task Send_LargestDatagram_ArrivesWhole()
    {
        var script = LuaScripts.Write("""
            local sock
            sock = assert(net.udp:bind(0, { on_message = function(data) print("got", #data) script.unload() end }))
            print("sent", sock:send("127.0.0.1", sock.port, string.rep("x", 65507)))
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync();

        Assert.Equal(["sent\ttrue", "got\t65507"], runner.Output.Prints);
    }

    private const long UdpBinderBound = 4L * 1024 * 1024;
}
