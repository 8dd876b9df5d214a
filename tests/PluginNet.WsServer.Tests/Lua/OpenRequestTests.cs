using System.Net.WebSockets;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>on_open(client, req): the handshake as the script sees it, from a real client.</summary>
public sealed class OpenRequestTests
{
    private const string Script = """
        local function sorted(t)
          local keys = {}
          for k in pairs(t) do keys[#keys + 1] = k end
          table.sort(keys)
          local parts = {}
          for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. t[k] end
          return table.concat(parts, "&")
        end
        local srv = net.ws_server:listen(0, {
          on_open = function(c, req)
            print("req method=" .. req.method .. " path=" .. req.path .. " protocol=[" .. req.protocol .. "]")
            print("req query " .. sorted(req.query))
            print("req origin=" .. tostring(req.origin) .. " token=" .. tostring(req.headers["x-token"])
              .. " single=" .. tostring(req.headers["x-twice"]) .. " upper=" .. tostring(req.headers["X-Token"]))
            print("req remote=" .. tostring(req.remote:match("^127%.0%.0%.1:%d+$") ~= nil))
            print("open " .. c)
          end,
        })
        print("port=" .. srv.port .. " id=" .. srv.id)
        """;

    [Fact]
    public async Task OnOpen_Req_HasPathQueryLowerCaseHeadersOriginAndProtocol()
    {
        await using var lua = await LuaServerScript.StartAsync(Script);
        using var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Origin", "http://localhost:8080");
        client.Options.SetRequestHeader("X-Token", "abc");
        client.Options.SetRequestHeader("X-Twice", "one");
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);

        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{lua.Port}/chat/room?name=ann%20b&x=1&x=2&flag"), timeout.Token);

        await lua.WaitForPrintAsync("open 1");
        Assert.Contains("req method=GET path=/chat/room protocol=[]", lua.Output.Prints);
        Assert.Contains("req query flag=&name=ann b&x=1,2", lua.Output.Prints);
        Assert.Contains("req origin=http://localhost:8080 token=abc single=one upper=nil", lua.Output.Prints);
        Assert.Contains("req remote=true", lua.Output.Prints);
    }

    [Fact]
    public async Task OnOpen_Req_WithoutOriginOrQuery_OriginIsNilAndQueryEmpty()
    {
        await using var lua = await LuaServerScript.StartAsync(Script);
        using var client = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);

        await client.ConnectAsync(lua.Url, timeout.Token);

        await lua.WaitForPrintAsync("open 1");
        Assert.Contains("req method=GET path=/ protocol=[]", lua.Output.Prints);
        Assert.Contains("req query ", lua.Output.Prints);
        Assert.Contains("req origin=nil token=nil single=nil upper=nil", lua.Output.Prints);
    }
}
