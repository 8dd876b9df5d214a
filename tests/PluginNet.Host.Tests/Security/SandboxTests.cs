using System.Runtime.InteropServices;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>
/// What a script's Lua state holds after the sandbox (Host/Lua/Glue/sandbox.lua): the exact standard
/// library, no way to the .NET bridge, no native code, no bytecode. docs/SECURITY.md lists the same.
/// </summary>
public class SandboxTests
{
    [Fact]
    public async Task Globals_AfterSandbox_AreExactlyTheDocumentedSet()
    {
        var prints = await RunAsync("""
            local function keys(t)
              local k = {}
              for n in pairs(t) do k[#k + 1] = tostring(n) end
              table.sort(k)
              return table.concat(k, " ")
            end
            print("_G: " .. keys(_G))
            for _, lib in ipairs({ "string", "table", "math", "utf8", "coroutine", "os", "io", "package" }) do
              print(lib .. ": " .. keys(_G[lib]))
            end
            print("package.loaded: " .. keys(package.loaded))
            print("searchers: " .. #package.searchers .. " cpath: '" .. package.cpath .. "'")
            """);

        Assert.Equal(
            [
                "_G: _G _SCRIPT_PATH _VERSION assert collectgarbage coroutine dofile error event getmetatable io ipairs json load loadfile log math net next os package pairs pcall print rawequal rawget rawlen rawset require script select setmetatable string table task tonumber tostring type utf8 warn xpcall",
                "string: byte char find format gmatch gsub len lower match pack packsize rep reverse sub unpack upper",
                "table: concat insert move pack remove sort unpack",
                "math: abs acos asin atan ceil cos deg exp floor fmod huge log max maxinteger min mininteger modf pi rad random randomseed sin sqrt tan tointeger type ult",
                "utf8: char charpattern codepoint codes len offset",
                "coroutine: close create isyieldable resume running status wrap yield",
                "os: clock date difftime getenv remove rename setlocale time tmpname",
                "io: close flush input lines open output read stderr stdin stdout tmpfile type write",
                "package: config cpath loaded path preload searchers searchpath",
                "package.loaded: _G coroutine io math os package string table utf8",
                "searchers: 2 cpath: ''",
            ],
            prints);
    }

    [Fact]
    public async Task NetBridge_EveryWayIn_Closed()
    {
        // Walks every table reachable from the globals (keys, values and metatables): the only
        // userdata a script can find are io's three standard files; nothing of NLua's bridge remains.
        var prints = await RunAsync("""
            print(import, luanet, CLRPackage, debug, package.loaded.luanet, package.loaded.debug)
            print((pcall(require, "luanet")), (pcall(require, "debug")), (pcall(require, "CLRPackage")))
            local seen, userdata, bridge = {}, {}, {}
            local function walk(v, path)
              if type(v) == "userdata" then
                if not seen[v] then userdata[#userdata + 1] = tostring(io.type(v)) end
                seen[v] = true
                return
              end
              if type(v) == "string" and v:find("luaNet") then bridge[#bridge + 1] = path end
              if type(v) ~= "table" or seen[v] then return end
              seen[v] = true
              local mt = getmetatable(v)
              if mt ~= nil then walk(mt, path .. "<metatable>") end
              for k, x in pairs(v) do
                walk(k, path .. "[key]")
                walk(x, path .. "." .. tostring(k))
              end
            end
            walk(_G, "_G")
            walk(getmetatable(""), "string-metatable")
            table.sort(userdata)
            print("userdata: " .. #userdata .. " " .. table.concat(userdata, " "))
            print("bridge names: " .. #bridge)
            """);

        Assert.Equal("nil\tnil\tnil\tnil\tnil\tnil", prints[0]);
        Assert.Equal("false\tfalse\tfalse", prints[1]);
        Assert.Equal("userdata: 3 file file file", prints[2]);
        Assert.Equal("bridge names: 0", prints[3]);
    }

    [Fact]
    public async Task Load_BinaryChunk_RefusedInEveryLoader()
    {
        var folder = LuaScripts.NewFolder();
        var bytecode = Path.Combine(folder, "evil.luac");
        await File.WriteAllBytesAsync(bytecode, CompileToBytecode("print('BYTECODE RAN')"));

        var prints = await RunAsync($$"""
            local f = io.open("{{bytecode}}", "rb")
            local chunk = f:read("a")
            f:close()
            print("load", load(chunk))
            print("load b", pcall(load, chunk, "x", "b"))
            print("load bt", pcall(load, chunk, "x", "bt"))
            print("loadfile", loadfile("{{bytecode}}"))
            print("dofile", pcall(dofile, "{{bytecode}}"))
            print("text still loads", load("return 1 + 1")())
            """);

        Assert.Equal("load\tnil\tattempt to load a binary chunk (mode is 't')", prints[0]);
        Assert.Equal("load b\tfalse\tload: only text chunks are allowed (mode 't')", StripPosition(prints[1]));
        Assert.Equal("load bt\tfalse\tload: only text chunks are allowed (mode 't')", StripPosition(prints[2]));
        Assert.Equal("loadfile\tnil\tattempt to load a binary chunk (mode is 't')", prints[3]);
        Assert.Equal("dofile\tfalse\tattempt to load a binary chunk (mode is 't')", StripPosition(prints[4]));
        Assert.Equal("text still loads\t2", prints[5]);
        Assert.DoesNotContain("BYTECODE RAN", prints);
    }

    [Fact]
    public async Task Require_BytecodeModuleOnThePath_RefusedAndNeverRun()
    {
        // A script can write any bytes with io.open; Lua's own file searcher would then run them as bytecode.
        var folder = LuaScripts.NewFolder();
        await File.WriteAllBytesAsync(Path.Combine(folder, "evil.lua"), CompileToBytecode("print('BYTECODE RAN') return {}"));
        await File.WriteAllTextAsync(Path.Combine(folder, "good.lua"), "return { name = ... }");

        var prints = await RunAsync($$"""
            package.path = "{{folder}}/?.lua"
            print("good", require("good").name)
            local ok, err = pcall(require, "evil")
            print("evil", ok, err)
            """);

        Assert.Equal("good\tgood", prints[0]);
        Assert.StartsWith("evil\tfalse\terror loading module 'evil' from file '", prints[1]);
        Assert.EndsWith("attempt to load a binary chunk (mode is 't')", prints[1]);
        Assert.DoesNotContain("BYTECODE RAN", prints);
    }

    [Fact]
    public async Task Require_CModule_NotFoundEvenWhenTheScriptSetsCpath()
    {
        var folder = LuaScripts.NewFolder();
        await File.WriteAllBytesAsync(Path.Combine(folder, "native.so"), [0x7F, (byte)'E', (byte)'L', (byte)'F']);

        var prints = await RunAsync($$"""
            package.cpath = "{{folder}}/?.so"
            print(package.loadlib)
            local ok, err = pcall(require, "native")
            print(ok, err)
            """);

        Assert.Equal("nil", prints[0]);
        Assert.StartsWith("false\tmodule 'native' not found:", prints[1]);
        Assert.DoesNotContain(".so", prints[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setmetatable_GcField_RefusedSoNoFinalizerEverRuns()
    {
        // Lua runs finalizers with debug hooks off: an endless __gc would freeze the menu thread for good.
        var prints = await RunAsync("""
            print(pcall(setmetatable, {}, { __gc = function() while true do end end }))
            print(pcall(setmetatable, {}, { __gc = true }))
            -- A __gc added after setmetatable never makes Lua finalize the table.
            local mt = {}
            setmetatable({}, mt)
            mt.__gc = function() print("FINALIZER RAN") end
            collectgarbage()
            collectgarbage()
            print("other metatables", getmetatable(setmetatable({}, { __index = { x = 1 } })).__index.x)
            """);

        Assert.Equal("false\tsetmetatable: __gc metamethods are not available to scripts", StripPosition(prints[0]));
        Assert.Equal("false\tsetmetatable: __gc metamethods are not available to scripts", StripPosition(prints[1]));
        Assert.Equal("other metatables\t1", prints[2]);
        Assert.DoesNotContain("FINALIZER RAN", prints);
    }

    /// <summary>Runs <paramref name="lua"/> (which must not unload itself) and returns what it printed.</summary>
    private static async Task<IReadOnlyList<string>> RunAsync(string lua)
    {
        var output = await EngineRunner.RunToEndAsync(lua + "\nscript.unload()\n");
        Assert.DoesNotContain(output.Logs, l => l.Level == LogLevel.Error);
        return output.Prints;
    }

    /// <summary>"false	file:3: message" to "false	message": pcall's message carries the caller's position.</summary>
    private static string StripPosition(string line)
    {
        var colon = line.IndexOf(".lua:", StringComparison.Ordinal);
        if (colon < 0)
        {
            return line;
        }

        var tab = line.LastIndexOf('\t', colon);
        var after = line.IndexOf(": ", colon + 5, StringComparison.Ordinal);
        return line[..(tab + 1)] + line[(after + 2)..];
    }

    /// <summary>Real Lua 5.4 bytecode for <paramref name="code"/>, compiled by a plain (unsandboxed) state.</summary>
    private static byte[] CompileToBytecode(string code)
    {
        using var lua = new KeraLua.Lua();
        Assert.Equal(KeraLua.LuaStatus.OK, lua.LoadString(code));
        using var output = new MemoryStream();
        KeraLua.LuaWriter writer = (_, data, size, _) =>
        {
            var chunk = new byte[(int)size];
            Marshal.Copy(data, chunk, 0, chunk.Length);
            output.Write(chunk);
            return 0;
        };
        Assert.Equal(0, lua.Dump(writer, IntPtr.Zero, false));
        GC.KeepAlive(writer);
        var bytes = output.ToArray();
        Assert.Equal(0x1B, bytes[0]); // "\27Lua": a binary chunk
        return bytes;
    }
}
