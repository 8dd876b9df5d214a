using System.Diagnostics;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>
/// One call the runaway guard cannot interrupt (it counts Lua instructions; a single long library
/// call runs none) is noticed by the watchdog (Host/Engine/MenuThreadWatchdog.cs), which logs the
/// script and the call; and SIGTERM or Ctrl-C still ends <c>pluginnet run</c> with 143 or 130
/// (Host/Cli/RunCommand.cs), though the graceful stop goes through the stuck menu thread.
/// </summary>
public class StuckMenuThreadTests
{
    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task Run_MenuThreadStuckInOneHostCall_WatchdogLogsItAndTheSignalStillEndsTheProcess(string signal, int expectedCode)
    {
        // The §7 pattern with a step budget of 2^50: the guarded matcher (host code, no Lua
        // instruction in it) backtracks for days. Lua's own matcher would do the same in C.
        var folder = LuaScripts.NewFolder();
        var config = Path.Combine(folder, "plugins.json");
        await File.WriteAllTextAsync(config, """{ "plugins": [], "limits": { "engine": { "max_pattern_steps": 1125899906842624 } } }""");
        var script = LuaScripts.Write("""
            local entered = false
            event.on("frame_update", function()
              if entered then return end
              entered = true
              print("entering the long call")
              local s = string.rep("a", 30000)
              print(s:find(".-.-.-.-b"))
            end)
            """);

        await using var host = PluginNetProcess.Start([script, "--plugins", config, "--timeout", "120"]);
        await host.WaitForLineAsync(l => l == "entering the long call");
        var (log, _) = await host.WaitForLogFromAsync(0, l => l.Contains("the menu thread is stuck in one call", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        var watch = Stopwatch.StartNew();
        await host.SignalAsync(signal);
        var code = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));
        watch.Stop();

        Assert.Contains("frame_update", log, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(script), log, StringComparison.Ordinal);
        Assert.Equal(expectedCode, code);
        Assert.Contains(host.Stderr, l => l.Contains("did not stop within 1.5 s", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Stdout, l => l.StartsWith("nil", StringComparison.Ordinal)); // the call never returned
        // 1.5 s of grace, then the exit; the bound leaves room for a loaded machine (figure: see the report).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{watch.Elapsed}\n{host.Transcript}");
        Console.WriteLine($"{signal}: exited {code} after {watch.Elapsed.TotalSeconds:0.00} s");
    }
}
