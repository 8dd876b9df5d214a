using System.Globalization;
using System.Net.WebSockets;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>
/// A real engine with the real plugins running one script that listens on a free port and answers
/// commands sent by clients, printing every callback it gets.
/// </summary>
internal sealed class LuaServerScript : IAsyncDisposable
{
    // Commands: "bcast:X", "echo:X", "kick:CODE:REASON", "kick", "count", "close", "unload";
    // anything else is printed as "bytes N HEX" (binary-safe). The host event "status" prints the server's state.
    public const string Script = """
        local srv
        srv = net.ws_server:listen(0, {
          on_open = function(c) print("open " .. c) end,
          on_error = function(c, err) print("error " .. c .. " " .. err) end,
          on_close = function(c, code, reason) print("close " .. c .. " " .. code .. " " .. reason) end,
          on_message = function(c, msg)
            local body = msg:match("^bcast:(.*)$")
            if body then srv:broadcast(body) return end
            body = msg:match("^echo:(.*)$")
            if body then print("sent " .. tostring(srv:send(c, body))) return end
            local code, reason = msg:match("^kick:(%d+):(.*)$")
            if code then srv:disconnect(c, tonumber(code), reason) return end
            if msg == "kick" then srv:disconnect(c) return end
            if msg == "count" then srv:send(c, "count=" .. srv:client_count()) return end
            if msg == "close" then
              local port = srv.port
              srv:close()
              print("closed open=" .. tostring(srv:is_open()) .. " count=" .. srv:client_count()
                .. " send=" .. tostring(srv:send(c, "late")))
              local again = net.ws_server:listen(port, {})
              print("relisten " .. tostring(again ~= nil))
              if again then again:close() end
              return
            end
            if msg == "unload" then script.unload() return end
            print("bytes " .. #msg .. " " .. msg:gsub(".", function(b) return string.format("%02x", b:byte()) end))
          end,
        })
        event.on("status", function()
          print("status open=" .. tostring(srv:is_open()) .. " count=" .. srv:client_count()
            .. " send=" .. tostring(srv:send(1, "x")))
        end)
        print("port=" .. srv.port .. " id=" .. srv.id)
        """;

    private readonly HashSet<string> _opens = [];

    private LuaServerScript(EngineRunner runner, string path, int port)
    {
        Runner = runner;
        Path = path;
        Port = port;
    }

    public EngineRunner Runner { get; }

    public string Path { get; }

    public int Port { get; }

    public Uri Url => new($"ws://127.0.0.1:{Port}/");

    public RecordingOutput Output => Runner.Output;

    public static async Task<LuaServerScript> StartAsync(string script = Script, string? pluginsJson = null, string? path = null)
    {
        path ??= LuaScripts.Write(script);
        // As `pluginnet run` does: plugins.json's limits apply on top of the engine's options.
        var limits = pluginsJson is null ? null : PluginConfig.Parse(pluginsJson, await File.ReadAllTextAsync(pluginsJson)).Limits;
        var runner = await EngineRunner.StartAsync(
            [path], pluginsJson: pluginsJson, options: limits is null ? null : o => o.WithLimits(limits));
        return new LuaServerScript(runner, path, await runner.WaitForPortAsync(TestTimeouts.Event));
    }

    /// <summary>Connects a client and returns it with the id the script's on_open printed.</summary>
    public async Task<(ClientWebSocket Socket, long Id)> ConnectAsync()
    {
        var socket = await TestClients.ConnectAsync(Url);
        var line = await Output.WaitForPrintAsync(
            p => p.StartsWith("open ", StringComparison.Ordinal) && !_opens.Contains(p), TestTimeouts.Event);
        _opens.Add(line);
        return (socket, long.Parse(line["open ".Length..], CultureInfo.InvariantCulture));
    }

    public Task<string> WaitForPrintAsync(string exact) =>
        Output.WaitForPrintAsync(p => p == exact, TestTimeouts.Event);

    public async ValueTask DisposeAsync() => await Runner.DisposeAsync();
}
