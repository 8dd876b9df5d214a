using System.Text.RegularExpressions;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Toolkit.Tests;

/// <summary>
/// types/pluginnet.lua documents exactly what a script sees: a real engine with the real plugins
/// runs a script that walks net.http, net.ws, net.ws_server, a listening WsServer, event, json, log,
/// script, the host's globals and the tables its callbacks receive; the annotations file is parsed
/// for the names it documents; each side must have everything the other has.
/// </summary>
public partial class TypeDefinitionTests
{
    private const string Walker = """
        local STANDARD = {}
        for name in ("_G _VERSION assert collectgarbage coroutine debug dofile error getmetatable io ipairs load"
          .. " loadfile math next os package pairs pcall print rawequal rawget rawlen rawset require select"
          .. " setmetatable string table tonumber tostring type utf8 warn xpcall"):gmatch("%S+") do
          STANDARD[name] = true
        end

        local function walk(prefix, separator, t)
          for k, v in pairs(t) do
            if type(v) == "function" then print("function " .. prefix .. separator .. k)
            else print("field " .. prefix .. "." .. k) end
          end
        end

        for k in pairs(_G) do
          if not STANDARD[k] then print("global " .. k) end
        end
        for k in pairs(net) do print("table net." .. k) end
        for name, part in pairs(net) do walk("net." .. name, ":", part) end
        for _, name in ipairs({ "event", "json", "log", "script" }) do walk(name, ".", _G[name]) end

        local srv = assert(net.ws_server:listen(0, {}))
        walk("WsServer", ":", srv) -- pairs(srv) lists id, port and the methods
        srv:route("GET", "/walk", function(req, res)
          walk("res", ":", res) -- pairs(res) lists its method
          res:send(200)
        end)
        local sock = assert(net.udp:bind(0, {}))
        walk("UdpSocket", ":", sock) -- pairs(sock) lists id, port and the methods
        sock:close()

        event.on("script_unloaded", function(e) walk("pluginnet.ScriptUnloadedEvent", ".", e) end)
        net.http:get("http://127.0.0.1:" .. srv.port .. "/walk", function(first)
          assert(first.status == 200, first.error)
          walk("pluginnet.HttpResponse", ".", first) -- a response that arrived: url is set
          srv:close()
          local req = net.http:get("http://127.0.0.1:1/", function(resp)
          walk("pluginnet.HttpResponse", ".", resp)
          local seen = false
          event.on("frame_update", function(e)
            if seen then return end
            seen = true
            walk("pluginnet.FrameEvent", ".", e)
            script.unload()
          end)
          end, 5)
          walk("HttpRequest", ":", req) -- pairs(req) lists id and the methods
        end)
        """;

    /// <summary>The classes whose fields a script can be shown at run time.</summary>
    private static readonly string[] WalkedClasses = ["WsServer", "UdpSocket", "HttpRequest", "pluginnet.HttpResponse", "pluginnet.FrameEvent", "pluginnet.ScriptUnloadedEvent"];

    private static readonly HashSet<string> StandardGlobals = [.. "_G _VERSION assert collectgarbage coroutine debug dofile error getmetatable io ipairs load loadfile math next os package pairs pcall print rawequal rawget rawlen rawset require select setmetatable string table tonumber tostring type utf8 warn xpcall".Split(' ')];

    [Fact]
    public async Task Annotations_AgainstTheRealEngine_DocumentEveryRegisteredNameAndNothingElse()
    {
        var runtime = await RuntimeSurfaceAsync();
        var documented = DocumentedSurface(await File.ReadAllLinesAsync(TypesFile));

        Assert.True(runtime.Count > 30, "the walk found too little:\n" + string.Join('\n', runtime));
        var undocumented = runtime.Except(documented).Order(StringComparer.Ordinal).ToList();
        var unknown = documented.Except(runtime).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            undocumented.Count == 0 && unknown.Count == 0,
            $"registered but not annotated in types/pluginnet.lua:\n  {string.Join("\n  ", undocumented)}\n"
            + $"annotated but not registered by the engine:\n  {string.Join("\n  ", unknown)}");
    }

    [Fact]
    public async Task Annotations_Print_DocumentedBecauseTheHostReplacesIt()
    {
        var lines = await File.ReadAllLinesAsync(TypesFile);

        Assert.Contains("function print(...) end", lines);
        Assert.Equal("---@meta pluginnet", lines[0]);
    }

    [Fact]
    public async Task ApiReference_EveryFunctionTheEngineRegisters_HasASection()
    {
        var runtime = await RuntimeSurfaceAsync();
        var headings = (await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Root, "docs", "API.md")))
            .Where(l => l.StartsWith("## ", StringComparison.Ordinal) || l.StartsWith("### ", StringComparison.Ordinal))
            .ToList();

        var names = runtime.Where(n => n.StartsWith("function ", StringComparison.Ordinal))
            .Select(n => n["function ".Length..].Replace("WsServer:", "srv:", StringComparison.Ordinal).Replace("HttpRequest:", "req:", StringComparison.Ordinal))
            .Append("srv.id").Append("srv.port").Append("_SCRIPT_PATH").Append("print");
        var missing = names.Where(n => !headings.Any(h => h.Split(' ', ',').Contains(n))).ToList();

        Assert.True(missing.Count == 0, "no section in docs/API.md for: " + string.Join(", ", missing));
    }

    private static string TypesFile => Path.Combine(RepoPaths.Root, "types", "pluginnet.lua");

    private static async Task<HashSet<string>> RuntimeSurfaceAsync()
    {
        var runner = await EngineRunner.StartAsync([LuaScripts.Write(Walker)]);
        await using (runner)
        {
            Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());
        }

        Assert.True(runner.Output.Logs.All(l => l.Level != LogLevel.Error), runner.Output.Transcript);
        return [.. runner.Output.Prints];
    }

    /// <summary>The same kinds of names as the walker prints, read from the annotations.</summary>
    private static HashSet<string> DocumentedSurface(string[] lines)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? currentClass = null;
        foreach (var line in lines)
        {
            if (ClassLine().Match(line) is { Success: true } c)
            {
                currentClass = c.Groups[1].Value;
                continue;
            }

            if (FieldLine().Match(line) is { Success: true } f)
            {
                if (currentClass is not null && WalkedClasses.Contains(currentClass))
                {
                    names.Add($"field {currentClass}.{f.Groups[1].Value}");
                }

                continue;
            }

            if (!line.StartsWith("---", StringComparison.Ordinal))
            {
                currentClass = null;
            }

            if (MethodLine().Match(line) is { Success: true } m)
            {
                names.Add($"function {m.Groups[1].Value}{m.Groups[2].Value}{m.Groups[3].Value}");
            }
            else if (GlobalLine().Match(line) is { Success: true } g && !StandardGlobals.Contains(g.Groups[1].Value))
            {
                names.Add($"global {g.Groups[1].Value}");
            }
            else if (NetTableLine().Match(line) is { Success: true } t)
            {
                names.Add($"table net.{t.Groups[1].Value}");
            }
            else if (ModuleValueLine().Match(line) is { Success: true } v)
            {
                // A value (not a function) of a module table, e.g. script.data_dir = "".
                names.Add($"field {v.Groups[1].Value}.{v.Groups[2].Value}");
            }
        }

        return names;
    }

    [GeneratedRegex(@"^(event|json|log|script)\.(\w+) = ")]
    private static partial Regex ModuleValueLine();

    [GeneratedRegex(@"^---@class ([\w.]+)")]
    private static partial Regex ClassLine();

    [GeneratedRegex(@"^---@field (\w+)\??\s")]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"^function ([\w.]+)([:.])(\w+)\(")]
    private static partial Regex MethodLine();

    [GeneratedRegex(@"^(?:function )?([A-Za-z_]\w*)(?: = |\()")]
    private static partial Regex GlobalLine();

    [GeneratedRegex(@"^net\.(\w+) = \{\}")]
    private static partial Regex NetTableLine();
}
