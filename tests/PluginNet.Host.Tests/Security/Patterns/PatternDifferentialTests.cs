using System.Text;
using KeraLua;
using PluginNet.Host.Lua.Patterns;

namespace PluginNet.Host.Tests.Security.Patterns;

/// <summary>
/// The guarded pattern path (Host/Lua/Glue/patterns.lua over Host/Lua/Patterns/LuaPatternMatcher.cs)
/// gives exactly what Lua's own string.find/match/gmatch/gsub give: here every call is sent down the
/// guarded path (a native budget of 0) and compared with the real functions on the same state.
/// </summary>
public class PatternDifferentialTests
{
    [Fact]
    public void GuardedPath_EveryCall_SameResultsAndErrorsAsLuasOwnFunctions()
    {
        using var lua = new NLua.Lua();
        var state = lua.State;
        state.Encoding = Encoding.Latin1;
        lua.DoString("native = { find = string.find, match = string.match, gmatch = string.gmatch, gsub = string.gsub }");

        LuaFunction match = p => PatternFunctions.Match(KeraLua.Lua.FromIntPtr(p));
        LuaFunction room = p => PatternFunctions.Room(KeraLua.Lua.FromIntPtr(p));
        LoadChunk(state, Glue("patterns"), "[pluginnet patterns]");
        state.NewTable();
        state.PushCFunction(match);
        state.SetField(-2, "match");
        state.PushCFunction(room);
        state.SetField(-2, "room");
        state.PushInteger(0); // native budget: every pattern that can backtrack takes the guarded path
        state.PushInteger(1_000_000_000);
        Assert.Equal(LuaStatus.OK, state.PCall(3, 0, 0));

        LoadChunk(state, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Security", "Patterns", "patterns_differential.lua")), "differential");
        state.GetGlobal("native");
        Assert.True(state.PCall(1, 2, 0) == LuaStatus.OK, state.ToString(-1));
        var comparisons = state.ToInteger(-2);
        var differences = state.ToString(-1);

        Assert.True(comparisons > 20_000, comparisons.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(differences.Length == 0, differences);
        GC.KeepAlive(match);
        GC.KeepAlive(room);
    }

    private static void LoadChunk(KeraLua.Lua state, byte[] chunk, string name) =>
        Assert.Equal(LuaStatus.OK, state.LoadBuffer(chunk, "=" + name, "t"));

    private static byte[] Glue(string name)
    {
        using var stream = typeof(PatternFunctions).Assembly.GetManifestResourceStream($"PluginNet.Glue.{name}.lua")!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
