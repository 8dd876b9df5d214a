using System.Globalization;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary><c>frame_update</c>'s <c>dt</c> is the time that really passed, so a timer adding it up keeps to the clock.</summary>
public class FrameDeltaTests
{
    [Fact]
    public async Task FrameUpdate_FrameCameLate_DtCoversTheWholeGap()
    {
        // Frame 3's handler keeps the menu thread for 120 ms (CPU time, so at least that much wall time).
        var script = LuaScripts.Write("""
            event.on("frame_update", function(e)
              if e.frame == 2 or e.frame == 4 then print(string.format("%d %.6f", e.frame, e.dt)) end
              if e.frame == 3 then
                local until_ = os.clock() + 0.12
                while os.clock() < until_ do end
              end
              if e.frame == 4 then script.unload() end
            end)
            """);

        var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync();

        var dt = runner.Output.Prints.Select(p => p.Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.True(dt["2"] > 0, $"frame 2: dt {dt["2"]}");
        Assert.True(dt["4"] >= 0.12, $"frame 4 came after a 120 ms frame, yet dt is {dt["4"]}"); // 1/60 if it were nominal
    }
}
