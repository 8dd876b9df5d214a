using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Toolkit.Tests;

/// <summary>
/// Every error a script can meet, caused for real (real engine, real plugins, 127.0.0.1 only), with
/// the exact words the script gets: each names the function or the request, what was wrong and,
/// where the script can do something about it, what to do. docs/API.md quotes these texts.
/// </summary>
public class ErrorMessageTests(ErrorMessageTests.Server server) : IClassFixture<ErrorMessageTests.Server>
{
    private const string MaxPlusOne = "string.rep('x', 64 * 1024 * 1024 + 1)";

    private const string NoTransportAdvice = "or load it with the console's `plugin load NAME`, then call again";

    /// <summary>The cases, by name: how the engine is set up, the Lua that meets the error (it calls <c>report</c>), the text.</summary>
    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Bad arguments raise at the caller's line, worded like Lua's own.
        ["bad argument type"] = new(Setup.Plugins, "net.http:get(42, function() end)",
            "bad argument #1 to 'get' (string expected, got number)"),
        ["callback missing"] = new(Setup.Plugins, "net.http:get('https://example.com/')",
            "bad argument #2 to 'get' (function or table expected, got nil)"),
        ["conflicting options"] = new(Setup.Plugins, "net.http:get('https://example.com/', { on_chunk = function() end, save_to_file = 'x' }, function() end)",
            "bad argument #2 to 'get' (options 'on_chunk' and 'save_to_file' cannot be used together: the body goes either to on_chunk or to the file)"),
        ["options after the callback"] = new(Setup.Plugins, "net.http:request('https://example.com/', 'GET', function() end)",
            "bad argument #3 to 'request' (table expected, got function (options come before the callback; pass {} for none))"),
        ["timeout not positive"] = new(Setup.Plugins, "net.http:get('https://example.com/', function() end, 0)",
            "bad argument #3 to 'get' (timeout must be a positive number of seconds)"),
        ["bad option type"] = new(Setup.Plugins, "net.http:get('https://example.com/', { timeout = '5' }, function() end)",
            "bad argument #2 to 'get' (field 'timeout' must be a number, got string)"),
        ["unknown option"] = new(Setup.Plugins, "net.http:get('https://example.com/', { timout = 1 }, function() end)",
            "bad argument #2 to 'get' (unknown option 'timout'; did you mean 'timeout'? valid options: body, body_file, connect_timeout, content_type, cookies, follow_redirects, form, headers, idle_timeout, last_event_id, max_body, multipart, on_chunk, on_event, on_progress, on_upload_progress, save_to_file, timeout)"),
        ["extra argument"] = new(Setup.Plugins, "net.http:get('https://example.com/', {}, function() end, 1)",
            "bad argument #4 to 'get' (no argument expected here; the call is get(url, options, callback) (a timeout goes in options))"),
        ["unknown callback"] = new(Setup.Plugins, "net.ws:connect('ws://127.0.0.1:1/', { on_mesage = print })",
            "bad argument #2 to 'connect' (unknown callback 'on_mesage'; did you mean 'on_message'? valid callbacks: on_close, on_error, on_message, on_open, on_reconnecting)"),
        ["not an HTTP method"] = new(Setup.Plugins, "net.http:request('https://example.com/', 'GE T', {}, function() end)",
            "bad argument #2 to 'request' ('GE T' is not an HTTP method)"),
        ["dot instead of colon"] = new(Setup.Plugins, "net.http.get('https://example.com/', function() end)",
            "net.http:get must be called with a colon: net.http:get(...)"),
        ["no such part of net"] = new(Setup.Plugins, "local _ = net.tcp",
            "net.tcp does not exist (net has http, ws, ws_server and udp)"),
        ["event handler missing"] = new(Setup.Plugins, "event.on('frame_update')",
            "bad argument #2 to 'on' (function expected, got nil)"),
        ["binary chunk"] = new(Setup.Plugins, "load('\\27Lua', 'x', 'b')",
            "load: only text chunks are allowed (mode 't')"),

        // No plugin serves the transport: a Lua error at the call.
        ["no http transport"] = new(Setup.NoPlugins, "net.http:get('https://example.com/', function() end)",
            $"net.http:get: no plugin provides the http transport; enable one that serves http in plugins.json (the Http plugin does) {NoTransportAdvice}"),
        ["no ws transport"] = new(Setup.NoPlugins, "net.ws:connect('ws://127.0.0.1:1/', {})",
            $"net.ws:connect: no plugin provides the ws transport; enable one that serves ws in plugins.json (the WsClient plugin does) {NoTransportAdvice}"),
        ["no ws_server transport"] = new(Setup.NoPlugins, "net.ws_server:listen(0, {})",
            $"net.ws_server:listen: no plugin provides the ws_server transport; enable one that serves ws_server in plugins.json (the WsServer plugin does) {NoTransportAdvice}"),
        ["no udp transport"] = new(Setup.NoPlugins, "net.udp:bind(0, {})",
            $"net.udp:bind: no plugin provides the udp transport; enable one that serves udp in plugins.json (the Udp plugin does) {NoTransportAdvice}"),

        // Permissions (plugins.json): like a refused connection, saying which list would allow it.
        ["http permission"] = new(Setup.Permissions, "net.http:get('http://127.0.0.1:1/', function(r) report(r.error) end)",
            "refused by a permission: net.http may not reach '127.0.0.1' (plugins.json permissions allow api.example.com); add the host to the \"http\" list there to allow it",
            Raises: false),
        ["ws permission"] = new(Setup.Permissions, "net.ws:connect('ws://127.0.0.1:1/', { on_error = function(_, e) report(e) end })",
            "refused by a permission: net.ws may not reach '127.0.0.1' (plugins.json permissions allow nothing); add the host to the \"ws\" list there to allow it",
            Raises: false),
        ["listen permission"] = new(Setup.Permissions, "report(select(2, net.ws_server:listen(8080, {})))",
            "net.ws_server:listen(8080) failed: refused by a permission: this script may not listen on port 8080 (plugins.json permissions allow 47999); listen on an allowed port, or add 8080 to the \"listen\" list there",
            Raises: false),

        // HTTP failures: resp.ok is false and resp.error says why.
        ["http cancelled"] = new(Setup.Plugins, "local req = net.http:get('{server}/slow', function(r) report(r.error) end) req:cancel()",
            "cancelled", Raises: false),
        ["http idle timeout"] = new(Setup.Plugins, "net.http:get('{server}/slow', { idle_timeout = 0.5 }, function(r) report(r.error) end)",
            "idle_timeout: no data from {host} for 0.5 s", Raises: false),
        ["http timeout"] = new(Setup.Plugins, "net.http:get('{server}/slow', function(r) report(r.error) end, 0.5)",
            "timed out after 0.5 s waiting for 127.0.0.1; if it is just slow, pass a longer timeout (in seconds)", Raises: false),
        ["http refused"] = new(Setup.Plugins, "net.http:get('http://127.0.0.1:1/', function(r) report(r.error) end)",
            "connection refused by 127.0.0.1:1; is the server running, and is the port right?", Raises: false),
        ["http status"] = new(Setup.Plugins, "net.http:get('{server}/missing', function(r) report(r.error) end)",
            "HTTP 404 Not Found", Raises: false),
        ["http body too large"] = new(Setup.Plugins, "net.http:get('{server}/huge', function(r) report(r.error) end)",
            "response body is larger than 64 MB; use save_to_file to stream it to disk", Raises: false),
        ["http url not absolute"] = new(Setup.Plugins, "net.http:get('example.com/x', function(r) report(r.error) end)",
            "refused: 'example.com/x' is not an absolute http:// or https:// URL", Raises: false),
        ["http port out of range"] = new(Setup.Plugins, "net.http:get('http://127.0.0.1:99999/', function(r) report(r.error) end)",
            "refused: port 99999 in 'http://127.0.0.1:99999/' is out of range (ports go from 1 to 65535)", Raises: false),
        ["header set by the transport"] = new(Setup.Plugins, "net.http:get('http://127.0.0.1:1/', { headers = { ['Transfer-Encoding'] = 'chunked' } }, function(r) report(r.error) end)",
            "refused: header 'Transfer-Encoding' is set by the transport from the body (it sends the body with its length); leave it out", Raises: false),
        ["save_to_file outside the folder"] = new(Setup.Plugins, "net.http:get('http://127.0.0.1:1/', { save_to_file = '../x.bin' }, function(r) report(r.error) end)",
            "refused: save_to_file '../x.bin' is outside the download folder {downloads}/; give a path inside it (relative paths are resolved there)", Raises: false),

        // WebSocket client: on_error (then on_close 1006), or a raise for a message over the limit.
        ["ws refused"] = new(Setup.Plugins, "net.ws:connect('ws://127.0.0.1:1/', { on_error = function(_, e) report(e) end })",
            "cannot connect to ws://127.0.0.1:1/: connection refused; is the server running, and is the port right?", Raises: false),
        ["ws not a ws url"] = new(Setup.Plugins, "net.ws:connect('http://127.0.0.1:1/', { on_error = function(_, e) report(e) end })",
            "unsupported URL scheme 'http' in 'http://127.0.0.1:1/': expected ws:// or wss://", Raises: false),
        ["ws port out of range"] = new(Setup.Plugins, "net.ws:connect('ws://127.0.0.1:99999/', { on_error = function(_, e) report(e) end })",
            "cannot connect to ws://127.0.0.1:99999/: port 99999 in 'ws://127.0.0.1:99999/' is out of range (ports go from 1 to 65535)", Raises: false),
        ["ws message not UTF-8"] = new(Setup.Plugins, "net.ws:send(1, 'caf\\233')",
            "bad argument #2 to 'send' (message is not UTF-8 text (byte 4 is not valid UTF-8); a text frame must be UTF-8: convert the text to UTF-8, or encode binary data as text first (hex or base64))"),
        ["ws message too big"] = new(Setup.Plugins, $"net.ws:send(1, {MaxPlusOne})",
            "bad argument #2 to 'send' (message of 67108865 bytes is over the 64 MB limit (67108864 bytes); split it into smaller messages)"),

        // WebSocket server.
        ["port taken"] = new(Setup.Plugins, """
            local first = assert(net.ws_server:listen(0, {}))
            local _, why = net.ws_server:listen(first.port, {})
            report((why:gsub(tostring(first.port), "{port}")))
            """,
            "net.ws_server:listen({port}) failed: port {port} on 127.0.0.1 is already in use; pick another port, or listen on port 0 to get a free one (srv.port tells which)",
            Raises: false),
        ["port out of range"] = new(Setup.Plugins, "net.ws_server:listen(70000, {})",
            "bad argument #1 to 'listen' (port must be an integer from 0 to 65535, got 70000)"),
        ["srv message too big"] = new(Setup.Plugins, $"local srv = net.ws_server:listen(0, {{}}) srv:broadcast({MaxPlusOne})",
            "bad argument #1 to 'broadcast' (message of 67108865 bytes is over the 64 MB limit (67108864 bytes); split it into smaller messages)"),
        ["srv close code"] = new(Setup.Plugins, "local srv = net.ws_server:listen(0, {}) srv:disconnect(1, 1005)",
            "bad argument #2 to 'disconnect' (close code 1005 may not be sent (use 1000-1003, 1007-1014 or 3000-4999))"),
        ["srv dot call"] = new(Setup.Plugins, "local srv = net.ws_server:listen(0, {}) srv.send(1, 'x')",
            "srv:send must be called with a colon on a WsServer: srv:send(...)"),
        ["srv.id assigned"] = new(Setup.Plugins, "local srv = net.ws_server:listen(0, {}) srv.id = 2",
            "WsServer.id is read-only"),
        ["srv field assigned"] = new(Setup.Plugins, "local srv = net.ws_server:listen(0, {}) srv.name = 'hud'",
            "cannot set WsServer.name: a WsServer has only the read-only fields id and port (keep your own data in a table keyed by srv.id)"),

        // json.
        ["json.encode a function"] = new(Setup.Plugins, "json.encode({ f = print })",
            "json.encode: cannot encode a function (JSON holds only nil, booleans, numbers, strings and tables)"),
        ["json.decode invalid"] = new(Setup.Plugins, "json.decode('{oops}')",
            "json.decode: invalid JSON at line 1, byte 2"),

        ["json.encode key clash"] = new(Setup.Plugins, "json.encode({ [1] = 'int', ['1'] = 'str' })",
            "json.encode: cannot encode a table with both the number key 1 and the string key \"1\": both become the JSON name \"1\" and one value would be lost (keep one of them)"),
        ["json.decode not UTF-8"] = new(Setup.Plugins, "json.decode('[\"ab\\255\"]')",
            "json.decode: invalid JSON at line 1, byte 5 (text that is not valid UTF-8)"),
        ["json.decode lone surrogate"] = new(Setup.Plugins, """json.decode('{\n "k": "\\ud800"}')""",
            "json.decode: invalid JSON at line 2, byte 7 (a string with an escaped half of a surrogate pair (such as \\ud800 alone), which is not a character)"),

        // Errors inside a callback are logged with the script's name; the script goes on.
        ["runaway callback"] = new(Setup.Plugins, """
            local frames = 0
            event.on("frame_update", function()
              frames = frames + 1
              if frames == 1 then while true do end end
              script.unload()
            end)
            """,
            "callback aborted: still running after 250 ms (an endless loop?)", Raises: false, Logged: true),
    };

    public enum Setup
    {
        Plugins,
        NoPlugins,
        Permissions,
    }

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Error_MetByAScript_HasTheReviewedWording(string name)
    {
        var (setup, lua, expected, raises, logged) = Cases[name];
        var downloads = LuaScripts.NewFolder();
        var code = lua.Replace("{server}", server.Http.BaseUrl, StringComparison.Ordinal);
        var script = LuaScripts.Write($$"""
            local function report(msg)
              print((tostring(msg):gsub("^[^\n]-%.lua:%d+: ", "")))
              script.unload()
            end
            {{(raises ? $"report(select(2, pcall(function()\n{code}\nend)))" : code)}}
            """);

        var runner = await EngineRunner.StartAsync(
            [script],
            options: o => o with { DownloadDirectory = downloads },
            pluginsJson: setup == Setup.Permissions ? server.PermissionsConfig : null,
            withPlugins: setup != Setup.NoPlugins);
        await using (runner)
        {
            Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());
        }

        var text = expected.Replace("{downloads}", downloads, StringComparison.Ordinal)
            .Replace("{host}", new Uri(server.Http.BaseUrl).Authority, StringComparison.Ordinal);
        if (logged)
        {
            Assert.Contains(runner.Output.Logs, l => l.Level == LogLevel.Error && l.Message.Contains(text, StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal([text], runner.Output.Prints);
        }
    }

    [Fact]
    public async Task ApiReference_EveryErrorText_QuotedThere()
    {
        var reference = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "API.md"));

        // Texts with a placeholder (a port, a folder) are quoted there with an example value.
        var missing = Cases.Where(c => !c.Value.Expected.Contains('{', StringComparison.Ordinal) && !reference.Contains(c.Value.Expected, StringComparison.Ordinal))
            .Select(c => $"{c.Key}: {c.Value.Expected}").ToList();

        Assert.True(missing.Count == 0, "docs/API.md does not quote:\n" + string.Join('\n', missing));
    }

    /// <summary>What a case needs: the engine set-up, the Lua, the exact text; whether the Lua raises it, whether it is logged instead.</summary>
    private sealed record Case(Setup Setup, string Lua, string Expected, bool Raises = true, bool Logged = false);

    /// <summary>A local HTTP server with a slow, a missing and a too-large resource, and a plugins.json with permissions.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private TestHttpServer? _http;

        public TestHttpServer Http => _http ?? throw new InvalidOperationException("not started");

        public string PermissionsConfig { get; } = Path.Combine(LuaScripts.NewFolder(), "plugins.permissions.json");

        public async Task InitializeAsync()
        {
            _http = await TestHttpServer.StartAsync(app =>
            {
                app.Map("/slow", async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
                app.Map("/missing", context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
                app.Map("/huge", async context =>
                {
                    var chunk = new byte[1024 * 1024];
                    for (var i = 0; i <= 64 && !context.RequestAborted.IsCancellationRequested; i++)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    }
                });
            });

            var plugins = string.Join(", ", new[] { "Http", "WsClient", "WsServer" }.Select(name =>
                $$"""{ "name": "{{name}}", "path": {{JsonSerializer.Serialize(Path.Combine(RepoPaths.Root, "artifacts", "plugins", name, $"PluginNet.Plugins.{name}.dll"))}} }"""));
            await File.WriteAllTextAsync(PermissionsConfig, $$"""
                {
                  "plugins": [ {{plugins}} ],
                  "permissions": { "default": { "http": ["api.example.com"], "ws": [], "listen": [47999] } }
                }
                """);
        }

        public async Task DisposeAsync()
        {
            if (_http is not null)
            {
                await _http.DisposeAsync();
            }
        }
    }
}
