using System.Diagnostics;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security.Patterns;

/// <summary>
/// string.find/match/gmatch/gsub cannot freeze the menu thread: a call whose pattern could backtrack
/// past the step budget on its subject runs on the guarded matcher and fails with a clear error
/// (Host/Lua/Glue/patterns.lua); ordinary calls on long subjects still work.
/// </summary>
public class PatternBudgetTests
{
    [Fact]
    public async Task BacktrackingPattern_EveryFunctionAndMethod_FailsWithAClearErrorInsteadOfFreezing()
    {
        // docs/SECURITY.md's example: Lua's own matcher needs about 30000^5 steps for it.
        var script = LuaScripts.Write("""
            local s = string.rep("a", 30000)
            local function try(name, f)
              local started = os.clock()
              local ok, err = pcall(f)
              print(name, ok, err)
              log.info(("%s failed after %.2f s"):format(name, os.clock() - started))
            end
            try("method find", function() local r = s:find(".-.-.-.-b") return r end)
            try("string.match", function() local r = string.match(s, "(.-)(.-)(.-)(.-)b") return r end)
            try("gmatch", function() for _ in s:gmatch(".-.-.-b") do end end)
            try("gsub", function() local r = s:gsub("a*a*a*b", "") return r end)
            -- Ordinary work on a long subject takes the guarded path too and gives Lua's answers.
            local text = string.rep("word  other\t", 100000)
            local squeezed, n = text:gsub("%s+", " ")
            print("gsub", #squeezed, n)
            local count = 0
            for _ in text:gmatch("%a+") do count = count + 1 end
            print("gmatch", count)
            print("find", text:find("(o%a+)%s+$"))
            script.unload()
            """);

        var watch = Stopwatch.StartNew();
        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { CallbackTimeLimit = TimeSpan.FromSeconds(30) });
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var prints = runner.Output.Prints;
        foreach (var (name, function) in new[] { ("method find", "find"), ("string.match", "match"), ("gmatch", "gmatch"), ("gsub", "gsub") })
        {
            var line = Assert.Single(prints, p => p.StartsWith(name + "\tfalse\t", StringComparison.Ordinal));
            Assert.Contains($"{function}: the pattern needs more than 50000000 steps on this subject (heavy backtracking)", line, StringComparison.Ordinal);
            Assert.Contains(".lua:", line, StringComparison.Ordinal); // names the script's line
        }

        Assert.Contains("gsub\t1100000\t200000", prints);
        Assert.Contains("gmatch\t200000", prints);
        Assert.Contains("find\t1199995\t1200000\tother", prints);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(50), runner.Output.Transcript);
    }

    [Fact]
    public async Task MaxPatternSteps_ReadFromLimitsEngine_AndAppliedToTheGuardedMatcher()
    {
        var config = PluginConfig.Parse("/cfg/plugins.json", """{ "plugins": [], "limits": { "engine": { "max_pattern_steps": 10000 } } }""");
        var options = new EngineOptions().WithLimits(config.Limits);
        Assert.Equal(50_000_000, new EngineOptions().MaxPatternSteps);
        Assert.Equal(10_000, options.MaxPatternSteps);
        var error = Assert.Throws<PluginConfigException>(() => PluginConfig.Parse("/cfg/plugins.json", """{ "plugins": [], "limits": { "engine": { "max_pattern_steps": 5 } } }"""));
        Assert.Contains("limits.engine.max_pattern_steps", error.Message, StringComparison.Ordinal);

        var script = LuaScripts.Write("""
            local s = string.rep("a", 300)
            print(pcall(string.find, s, ".-.-b"))
            print(s:sub(1, 40):find("a-b"))
            script.unload()
            """);
        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { MaxPatternSteps = options.MaxPatternSteps });
        await runner.WaitForExitAsync();

        Assert.Contains(runner.Output.Prints, p => p.StartsWith("false\t", StringComparison.Ordinal) && p.Contains("more than 10000 steps", StringComparison.Ordinal));
        Assert.Contains("nil", runner.Output.Prints); // 41^2 * 4 steps at most: within the budget, Lua's own function
    }
}
