using System.Globalization;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary><c>frame_update</c>'s <c>dt</c> is the time that really passed, so a timer adding it up keeps to the clock.</summary>
public class FrameDeltaTests
{
    [Fact]
    public async Task FrameUpdate_FrameCameLate_DtCoversTheWholeGap()
    {
        // Frame 3's handler holds the menu thread for 120 ms of wall time (as a slow game frame would).
        var script = LuaScripts.Write("""
            event.on("frame_update", function(e)
              if e.frame == 2 or e.frame == 4 then print(string.format("%d %.6f", e.frame, e.dt)) end
              if e.frame == 3 then slow.block(120) end
              if e.frame == 4 then script.unload() end
            end)
            """);

        var runner = await EngineRunner.StartAsync([script], configure: e => e.AddModule(new SlowModule()));
        await runner.WaitForExitAsync();

        var dt = runner.Output.Prints.Select(p => p.Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.True(dt["2"] > 0, $"frame 2: dt {dt["2"]}");
        Assert.True(dt["4"] >= 0.12, $"frame 4 came after a 120 ms frame, yet dt is {dt["4"]}"); // 1/60 if it were nominal
    }

    /// <summary><c>slow.block(ms)</c>: keeps the calling (menu) thread for that many milliseconds of wall time.</summary>
    private sealed class SlowModule : ILuaModule
    {
        public void Install(LuaModuleContext script) =>
            script.RegisterFunction("slow.block", (long milliseconds) => Thread.Sleep(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
