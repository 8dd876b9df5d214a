using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>net.ws_server's options and binary messages, against Node <c>ws</c> clients on 127.0.0.1.</summary>
public sealed class WsServerNodeClientTests(ITestOutputHelper output)
{
    private static string Base64(string latin1) => Convert.ToBase64String(System.Text.Encoding.Latin1.GetBytes(latin1));

    [Fact]
    public async Task Listen_Protocols_ServerPicksTheFirstOfferedThatItSupportsAndTextAndBinaryGoBothWays()
    {
        await using var lua = await LuaServerScript.StartAsync("""
            local srv
            srv = net.ws_server:listen(0, {
              on_open = function(c, req) print("open " .. c .. " protocol=" .. req.protocol) end,
              on_message = function(c, msg, is_binary)
                print("got " .. #msg .. " binary=" .. tostring(is_binary) .. " buffered=" .. math.type(srv:buffered(c)))
                if is_binary then
                  print("send_binary", srv:send_binary(c, msg .. "\255"))
                  srv:broadcast_binary("\0\1")
                else
                  print("send", srv:send(c, msg .. "!"))
                  srv:broadcast("all")
                end
              end,
            }, { protocols = { "v3", "v2", "v1" } })
            print("port=" .. srv.port)
            """);
        await using var client = NodePeer.StartClient(new { url = lua.Url.ToString(), protocols = new[] { "v1", "v2" } });

        var open = await client.NextAsync("open");
        await lua.WaitForPrintAsync("open 1 protocol=v1");
        await client.CommandAsync(new { cmd = "send", data = Base64("hi there"), binary = false });
        var text = await client.NextAsync("message");
        var all = await client.NextAsync("message");
        await client.CommandAsync(new { cmd = "send", data = Base64("\0\u00ffraw"), binary = true });
        var binary = await client.NextAsync("message");
        var pair = await client.NextAsync("message");

        Assert.Equal("v1", (string?)open["protocol"]);
        Assert.Equal((false, "hi there!"), ((bool)text["binary"]!, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)text["data"]!))));
        Assert.Equal((false, "all"), ((bool)all["binary"]!, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)all["data"]!))));
        Assert.Equal((true, Base64("\0\u00ffraw\u00ff")), ((bool)binary["binary"]!, (string)binary["data"]!));
        Assert.Equal((true, Base64("\0\u0001")), ((bool)pair["binary"]!, (string)pair["data"]!));
        Assert.Contains("got 8 binary=false buffered=integer", lua.Output.Prints);
        Assert.Contains("got 5 binary=true buffered=integer", lua.Output.Prints);
    }

    [Fact]
    public async Task Listen_NoCommonProtocol_OpensWithoutOne()
    {
        await using var lua = await LuaServerScript.StartAsync("""
            local srv = net.ws_server:listen(0, {
              on_open = function(c, req) print("open " .. c .. " protocol=[" .. req.protocol .. "]") end,
            }, { protocols = { "v9" } })
            print("port=" .. srv.port)
            """);
        await using var client = NodePeer.StartClient(new { url = lua.Url.ToString() });

        var open = await client.NextAsync("open");
        await lua.WaitForPrintAsync("open 1 protocol=[]");
        Assert.Equal("", (string?)open["protocol"]);
    }

    [Fact]
    public async Task Listen_CompressAndPings_ClientNegotiatesDeflateAndSeesPings()
    {
        await using var lua = await LuaServerScript.StartAsync("""
            local srv
            srv = net.ws_server:listen(0, {
              on_open = function(c) print("open " .. c) end,
              on_message = function(c, msg) srv:send(c, msg) end,
            }, { compress = true, ping_interval = 0.2 })
            print("port=" .. srv.port)
            """);
        await using var client = NodePeer.StartClient(new { url = lua.Url.ToString(), deflate = true });

        var open = await client.NextAsync("open");
        var big = new string('a', 1024 * 1024);
        await client.CommandAsync(new { cmd = "send", data = Base64(big), binary = false });
        var echo = await client.NextAsync("message");
        await client.NextAsync("ping");
        await client.NextAsync("ping");
        await client.CommandAsync(new { cmd = "stats" });
        var stats = await client.NextAsync("stats");
        output.WriteLine($"extensions {open["extensions"]}; client read {stats["bytesRead"]}, wrote {stats["bytesWritten"]}");

        Assert.Contains("permessage-deflate", open["extensions"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(Base64(big), (string)echo["data"]!);
        Assert.True((long)stats["bytesRead"]! * 10 < 1024 * 1024);
        Assert.True((long)stats["bytesWritten"]! * 10 < 1024 * 1024);
    }

    [Fact]
    public async Task Listen_PongTimeout_ClientNeverAnswers_OnErrorNoPongAndClose1006()
    {
        await using var lua = await LuaServerScript.StartAsync("""
            local srv = net.ws_server:listen(0, {
              on_open = function(c) print("open " .. c) end,
              on_error = function(c, err) print("error " .. err) end,
              on_close = function(c, code) print("close " .. code) end,
            }, { ping_interval = 0.2, pong_timeout = 0.3 })
            print("port=" .. srv.port)
            """);
        await using var client = NodePeer.StartClient(new { url = lua.Url.ToString(), autoPong = false });

        var open = await client.NextAsync("open");
        var closed = await client.NextAsync("close");
        await lua.WaitForPrintAsync("close 1006");
        var after = (long)closed["at"]! - (long)open["at"]!;
        output.WriteLine($"dropped {after} ms after the open");

        // Kestrel's keepalive aborts the connection; the server reports it as an abort (see docs/API.md).
        Assert.Contains(lua.Output.Prints, p => p.StartsWith("error ", StringComparison.Ordinal));
        Assert.InRange(after, 200, 2500);
    }

    [Theory]
    [InlineData("{ protocols = { 'a,b' } }", "entry 1 is not a valid subprotocol name")]
    [InlineData("{ protocols = 'chat' }", "option 'protocols' must be an array of strings")]
    [InlineData("{ pong_timeout = -1 }", "option 'pong_timeout' must be a positive number of seconds")]
    [InlineData("{ compress = 1 }", "option 'compress' must be a boolean")]
    [InlineData("{ max_message = 0 }", "option 'max_message' must be a whole number of bytes")]
    [InlineData("{ protocol = { 'x' } }", "unknown option 'protocol'; did you mean 'protocols'?")]
    public async Task Listen_BadOption_RaisesAtTheCallNamingTheOption(string options, string expected)
    {
        await using var lua = await LuaServerScript.StartAsync($$"""
            print(pcall(function() net.ws_server:listen(0, {}, {{options}}) end))
            print("port=0")
            """);

        var line = lua.Output.Prints[0];
        Assert.StartsWith("false\t", line, StringComparison.Ordinal);
        Assert.Contains("bad argument #3 to 'listen'", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
