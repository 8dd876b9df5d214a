using System.Text;
using BenchmarkDotNet.Attributes;
using KeraLua;
using PluginNet.Host.Lua.Patterns;
using PluginNet.Host.Plugins;

namespace PluginNet.MicroBench;

/// <summary>
/// The cost of the bounded pattern functions (Host/Lua/Glue/patterns.lua) on the normal path: the
/// patterns the examples use (dashboard.lua, download.lua, version_check.lua) on subjects like
/// theirs, with Lua's own string functions (baseline) and with the guarded wrappers installed as
/// every script has them. Per operation: one round of the seven calls.
/// </summary>
public class PatternBenchmarks
{
    private const int Rounds = 10_000;
    private const string Loop = """
        local path, file, tag = "/home/player/game/scripts/dashboard.lua", "pluginnet-1.4.2.zip", "v1.12.3-beta.2"
        function run(n)
          local acc = 0
          for _ = 1, n do
            local here = string.match(path, "^(.*)[/\\]") or "."
            if not file:find("[/\\]") then acc = acc + 1 end
            local major, minor, patch, rest = tostring(tag):match("^v?(%d+)%.(%d+)%.(%d+)(.*)$")
            local pre = rest:match("^%-([%w%.%-]+)")
            for id in pre:gmatch("[^%.]+") do acc = acc + #id end
            local bare = tag:gsub("^v", "")
            acc = acc + #here + #bare + #major + #minor + #patch
          end
          return acc
        end
        """;

    private readonly List<LuaFunction> _pinned = [];
    private NLua.Lua _native = null!;
    private NLua.Lua _guarded = null!;
    private NLua.LuaFunction _runNative = null!;
    private NLua.LuaFunction _runGuarded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _native = new NLua.Lua();
        _native.DoString(Loop);
        _runNative = _native.GetFunction("run");

        _guarded = new NLua.Lua();
        var state = _guarded.State;
        state.Encoding = Encoding.Latin1;
        using (var stream = typeof(PatternFunctions).Assembly.GetManifestResourceStream("PluginNet.Glue.patterns.lua")!)
        {
            var chunk = new byte[stream.Length];
            stream.ReadExactly(chunk);
            state.LoadBuffer(chunk, "=[pluginnet patterns]", "t");
        }

        state.NewTable();
        Raw(state, "match", PatternFunctions.Match);
        Raw(state, "room", PatternFunctions.Room);
        state.PushInteger(EngineLimits.DefaultMaxPatternSteps);
        state.PushInteger(EngineLimits.DefaultMaxPatternSteps);
        if (state.PCall(3, 0, 0) != LuaStatus.OK)
        {
            throw new InvalidOperationException(state.ToString(-1));
        }

        _guarded.DoString(Loop);
        _runGuarded = _guarded.GetFunction("run");
        if (!Equals(_runNative.Call(10)[0], _runGuarded.Call(10)[0]))
        {
            throw new InvalidOperationException("the guarded functions give other results");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _native.Dispose();
        _guarded.Dispose();
    }

    /// <summary>Lua's own string.find/match/gmatch/gsub.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds)]
    public object Native() => _runNative.Call(Rounds)[0];

    /// <summary>The same calls through the bounded wrappers every script has.</summary>
    [Benchmark(OperationsPerInvoke = Rounds)]
    public object Guarded() => _runGuarded.Call(Rounds)[0];

    private void Raw(KeraLua.Lua state, string name, Func<KeraLua.Lua, int> body)
    {
        LuaFunction function = pointer => body(KeraLua.Lua.FromIntPtr(pointer));
        _pinned.Add(function);
        state.PushCFunction(function);
        state.SetField(-2, name);
    }
}
