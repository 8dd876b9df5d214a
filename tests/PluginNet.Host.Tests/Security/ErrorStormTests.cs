using PluginNet.Host.Lua;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>A callback failing every frame is logged once, then counted and summarised (Host/Lua/ErrorStorm.cs).</summary>
public class ErrorStormTests
{
    [Fact]
    public async Task Callback_FailsEveryFrame_LoggedOnceThenOneSummary()
    {
        var script = LuaScripts.Write("""
            event.on("frame_update", function(e)
              if e.frame == 61 then script.unload() return end
              error("boom")
            end)
            """, $"storm-{Guid.NewGuid().ToString("N")[..8]}.lua");

        var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(20));

        var errors = runner.Output.Logs.Where(l => l.Level == LogLevel.Error).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(Path.GetFileName(script), e.Script));
        Assert.StartsWith("error in event 'frame_update' handler: ", errors[0].Message);
        Assert.Contains(":3: boom", errors[0].Message);
        Assert.Contains("stack traceback:", errors[0].Message);
        Assert.Matches(@"^the error ""error in event 'frame_update' handler: .*:3: boom"" repeated 59 more times in [0-9.]+ s$", errors[1].Message);
    }

    [Fact]
    public async Task Callback_DifferentErrors_EachLogged()
    {
        var script = LuaScripts.Write("""
            event.on("frame_update", function(e)
              if e.frame == 4 then script.unload() return end
              error("failure number " .. e.frame)
            end)
            """);

        var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(20));

        var errors = runner.Output.Logs.Where(l => l.Level == LogLevel.Error).Select(l => l.Message).ToList();
        Assert.Equal(3, errors.Count);
        Assert.Contains("failure number 1", errors[0]);
        Assert.Contains("failure number 2", errors[1]);
        Assert.Contains("failure number 3", errors[2]);
    }

    [Fact]
    public void ShouldLog_RepeatsWithinAndAfterTheWindow_CountedThenSummarisedThenLoggedAgain()
    {
        var storm = new ErrorStorm(TimeSpan.FromSeconds(5));
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        Assert.True(storm.ShouldLog("boom\nstack traceback: ...", start));
        for (var i = 1; i <= 299; i++)
        {
            Assert.False(storm.ShouldLog("boom\nstack traceback: ...", start.AddSeconds(i / 60.0)));
        }

        Assert.Empty(storm.TakeSummaries(start.AddSeconds(4.9), force: false));
        Assert.Equal(["the error \"boom\" repeated 299 more times in 5 s"], storm.TakeSummaries(start.AddSeconds(5), force: false));
        Assert.True(storm.ShouldLog("boom\nstack traceback: ...", start.AddSeconds(5.1)));
    }

    // Summaries are taken once per frame; a frame of many failing callbacks can run past the window's end.
    [Fact]
    public void ShouldLog_RepeatAfterTheWindowBeforeItsSummary_CountedInThatSummary_NoneLost()
    {
        var storm = new ErrorStorm(TimeSpan.FromSeconds(5));
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.True(storm.ShouldLog("boom", start));
        Assert.False(storm.ShouldLog("boom", start.AddSeconds(4)));

        Assert.False(storm.ShouldLog("boom", start.AddSeconds(5.5))); // the window is over, its summary not yet taken

        Assert.Equal(["the error \"boom\" repeated 2 more times in 5.6 s"], storm.TakeSummaries(start.AddSeconds(5.6), force: false));
        Assert.True(storm.ShouldLog("boom", start.AddSeconds(5.7)));
    }

    [Fact]
    public void ShouldLog_ARepeatedErrorForgottenToMakeRoom_StillGetsItsSummary()
    {
        var storm = new ErrorStorm(TimeSpan.FromSeconds(5));
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.True(storm.ShouldLog("first", start));
        Assert.False(storm.ShouldLog("first", start.AddSeconds(0.5)));

        // 64 other errors within the window: the oldest, "first", is forgotten to make room.
        for (var i = 0; i < 64; i++)
        {
            Assert.True(storm.ShouldLog($"other {i}", start.AddSeconds(1)));
        }

        Assert.True(storm.ShouldLog("first", start.AddSeconds(1.5)));
        Assert.Equal(["the error \"first\" repeated 1 more time in 1 s"], storm.TakeSummaries(start.AddSeconds(2), force: false));
    }
}
