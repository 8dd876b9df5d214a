using System.Diagnostics;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>
/// Each script's Lua state has a memory limit kept by the allocator (Host/Lua/Memory/LuaMemoryLimit.cs):
/// past it an allocation fails inside that script with "not enough memory"; the others go on.
/// </summary>
public class MemoryLimitTests
{
    private const long Limit = 32L * 1024 * 1024;

    [Fact]
    public async Task Allocation_PastTheLimit_NotEnoughMemoryInThatScriptWhileAnotherKeepsAnswering()
    {
        var hog = LuaScripts.Write("""
            local ok, err = pcall(function()
              local t = {}
              for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end
            end)
            print("pcall", ok, err)
            local frames = 0
            event.on("frame_update", function()
              frames = frames + 1
              if frames == 1 then
                local t = {}
                for i = 1, 1e9 do t[i] = string.rep("y", 1000) .. i end -- fails: logged, the script goes on
              elseif frames == 2 then
                print("hog still runs", #string.rep("z", 1000))
              end
            end)
            """);
        var bystander = LuaScripts.Write("""
            local frames = 0
            event.on("frame_update", function()
              frames = frames + 1
              if frames == 5 then
                local t = {}
                for i = 1, 20000 do t[i] = string.rep("b", 1000) .. i end -- 20 MB: under its own limit
                print("bystander answers", #t)
                script.unload()
              end
            end)
            """);

        await using var runner = await EngineRunner.StartAsync([hog, bystander], options: o => o with { MaxScriptMemoryBytes = Limit, CallbackTimeLimit = TimeSpan.FromSeconds(20) });
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("bystander answers", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("hog still runs", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        Assert.Contains("pcall\tfalse\tnot enough memory", runner.Output.Prints);
        Assert.Contains("bystander answers\t20000", runner.Output.Prints);
        Assert.Contains("hog still runs\t1000", runner.Output.Prints);
        Assert.Contains(runner.Output.Logs, l => l.Level == LogLevel.Error && l.Message.Contains("not enough memory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StringRep_PastTheLimit_FailsAtOnce()
    {
        // Lua refuses 2^40 bytes itself (over 2 GB); 2^30 passes that check and meets the limit.
        var script = LuaScripts.Write("""
            local started = os.clock()
            print(pcall(string.rep, "x", 2^40))
            print(pcall(string.rep, "x", 2^30))
            print((pcall(string.rep, "x", 2^20, "yz"))) -- 3 MB: under the limit
            print(os.clock() - started < 1)
            script.unload()
            """);

        var watch = Stopwatch.StartNew();
        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { MaxScriptMemoryBytes = Limit });
        await runner.WaitForExitAsync();

        Assert.Equal(["false\tresulting string too large", "false\tnot enough memory", "true", "true"], runner.Output.Prints);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
    }

    [Fact]
    public void LimitsEngine_MaxScriptMemoryBytes_ReadAndApplied()
    {
        var config = PluginConfig.Parse("/cfg/plugins.json", """{ "plugins": [], "limits": { "engine": { "max_script_memory_bytes": 33554432 } } }""");

        var options = new EngineOptions().WithLimits(config.Limits);

        Assert.Equal(256L * 1024 * 1024, new EngineOptions().MaxScriptMemoryBytes);
        Assert.Equal(Limit, options.MaxScriptMemoryBytes);
        var error = Assert.Throws<PluginConfigException>(() => PluginConfig.Parse("/cfg/plugins.json", """{ "plugins": [], "limits": { "engine": { "max_script_memory_bytes": 1000 } } }"""));
        Assert.Contains("limits.engine.max_script_memory_bytes", error.Message);
    }
}
