using System.Net;
using System.Net.Sockets;
using System.Text;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Tasks;

/// <summary>Streams read inside tasks: net.ws:open against a Node `ws` peer, sock:receive against a real UDP socket.</summary>
public class TaskStreamTests
{
    [Fact]
    public async Task WsOpen_WaitsForTheHandshake_ReceiveReadsMessagesInOrder_ThenNilAndTheReasonOnClose()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { echo = true });
        await using var _ = peer;

        var output = await TaskRun.ToEndAsync($$"""
            task.spawn(function()
              local c = assert(net.ws:open("ws://127.0.0.1:{{port}}/feed"))
              print("open", c.id == math.tointeger(c.id))
              print(c:send("one"), c:send_binary("\0two"))
              print(c:receive(10))
              local msg, is_binary = c:receive(10)
              print(#msg, is_binary)
              print(c:receive(0.05))
              c:close()
              print(c:receive(10))
              print(net.ws:open("ws://127.0.0.1:1/nothing"))
              script.unload()
            end)
            """);

        Assert.Equal("open\ttrue", output.Prints[0]);
        Assert.Equal("true\ttrue", output.Prints[1]);
        Assert.Equal("one\tfalse", output.Prints[2]);
        Assert.Equal("4\ttrue", output.Prints[3]);
        Assert.Equal("nil\ttimed out", output.Prints[4]);
        Assert.Equal("nil\tclosed (1000)", output.Prints[5]);
        Assert.StartsWith("nil\t", output.Prints[6], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WsOpen_BufferFull_ClosesTheConnectionAndReceiveSaysSoAfterTheBufferedMessages()
    {
        var (peer, port) = await NodePeer.StartServerAsync(new { });
        await using var _ = peer;
        var script = LuaScripts.Write($$"""
            task.spawn(function()
              local c = assert(net.ws:open("ws://127.0.0.1:{{port}}/feed"))
              print("open")
              while true do
                local msg, reason = c:receive(0.01)
                if msg == nil and reason ~= "timed out" then
                  print("ended", reason)
                  break
                end
                if msg == "go" then
                  local count = 0
                  task.wait(1) -- the peer sends 300 messages meanwhile; 256 fit
                  while true do
                    local m, why = c:receive(5)
                    if m == nil then print("received", count, why) break end
                    count = count + 1
                  end
                  break
                end
              end
              script.unload()
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.Output.WaitForPrintAsync(p => p == "open", TaskRun.Within);
        await peer.CommandAsync(new { cmd = "send", data = Convert.ToBase64String("go"u8) });
        for (var i = 0; i < 300; i++)
        {
            await peer.CommandAsync(new { cmd = "send", data = Convert.ToBase64String(Encoding.UTF8.GetBytes($"m{i}")) });
        }

        await runner.WaitForExitAsync(TaskRun.Within);
        Assert.Equal("received\t256\treceive buffer full (256 messages waiting); the connection was closed", runner.Output.Prints[^1]);
        var close = await peer.NextAsync("close", TaskRun.Within);
        Assert.Equal(1000, (int)close["code"]!);
    }

    [Fact]
    public async Task UdpReceive_ReadsDatagramsInATask_WithTimeoutAndClose()
    {
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var script = LuaScripts.Write("""
            local sock = assert(net.udp:bind(0))
            print("port " .. sock.port)
            task.spawn(function()
              for _ = 1, 2 do
                local data, host, port = sock:receive(10)
                print(data, host, math.type(port))
              end
              print(sock:receive(0.05))
              sock:close()
              print(sock:receive())
              script.unload()
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        var line = await runner.Output.WaitForPrintAsync(p => p.StartsWith("port ", StringComparison.Ordinal), TaskRun.Within);
        var target = new IPEndPoint(IPAddress.Loopback, int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture));
        await sender.SendAsync("first"u8.ToArray(), target);
        await sender.SendAsync("second"u8.ToArray(), target);

        await runner.WaitForExitAsync(TaskRun.Within);
        Assert.Equal(["first\t127.0.0.1\tinteger", "second\t127.0.0.1\tinteger", "nil\ttimed out", "nil\tclosed"], runner.Output.Prints.Skip(1));
    }

    [Fact]
    public async Task BindAndListenInsideATask_HandTheHandleToTheTask()
    {
        // A raw function called from a coroutine must push onto the coroutine's stack; pushing onto
        // the main thread's stack instead crashed the host (udp:bind and ws_server:listen did).
        var output = await TaskRun.ToEndAsync("""
            task.spawn(function()
              task.wait()
              local sock = assert(net.udp:bind(0))
              local srv = assert(net.ws_server:listen(0, {}))
              print(tostring(sock):match("^UdpSocket"), tostring(srv):match("^WsServer"))
              sock:close()
              srv:close()
              script.unload()
            end)
            """);

        Assert.Equal(["UdpSocket\tWsServer"], output.Prints);
    }

    [Theory]
    [InlineData(false, "net.ws:open('ws://127.0.0.1:1/')", "net.ws:open must be called inside a task (task.spawn)")]
    [InlineData(true, "net.ws:open(5)", "bad argument #1 to 'open' (string expected, got number)")]
    [InlineData(true, "net.ws:open('ws://127.0.0.1:1/', { reconnect = true })", "option 'reconnect' is for connect")]
    [InlineData(true, "net.ws:open('ws://127.0.0.1:1/', { timout = 1 })", "bad argument #2 to 'open' (unknown option 'timout'")]
    [InlineData(false, "net.udp:bind(0):receive()", "sock:receive must be called inside a task (task.spawn)")]
    [InlineData(true, "net.udp:bind(0):receive('x')", "bad argument #1 to 'sock:receive' (timeout must be a number of seconds from 0, got x)")]
    [InlineData(true, "net.udp:bind(0, { on_message = print }):receive()", "this socket delivers datagrams to on_message")]
    public async Task StreamBadInput_RaisesAtTheScriptLine(bool inTask, string call, string expected)
    {
        var line = $"print(pcall(function() {call} end))";
        var output = await TaskRun.ToEndAsync(inTask
            ? $"task.spawn(function() {line} script.unload() end)"
            : $"{line} script.unload()");

        Assert.Matches(@"^false\t.*\.lua:1: ", output.Prints.Single());
        Assert.Contains(expected, output.Prints.Single(), StringComparison.Ordinal);
    }
}
