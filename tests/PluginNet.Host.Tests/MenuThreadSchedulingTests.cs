using PluginNet.Host.Engine;

namespace PluginNet.Host.Tests;

public class MenuThreadSchedulingTests
{
    [Fact]
    public void RequestShortSlice_OnLinux612OrLater_TheThreadRunsWithA100MicrosecondSlice()
    {
        bool accepted = false;
        string? sched = null;
        var thread = new Thread(() =>
        {
            accepted = MenuThreadScheduling.RequestShortSlice();
            sched = File.Exists("/proc/thread-self/sched") ? File.ReadAllText("/proc/thread-self/sched") : null;
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));

        if (OperatingSystem.IsLinux() && Environment.OSVersion.Version >= new Version(6, 12))
        {
            Assert.True(accepted, "the kernel refused sched_setattr");
            var slice = sched!.Split('\n').Single(l => l.StartsWith("se.slice", StringComparison.Ordinal));
            Assert.EndsWith(" 100000", slice.TrimEnd(), StringComparison.Ordinal);
        }
        else if (!OperatingSystem.IsLinux())
        {
            Assert.False(accepted);
        }
    }
}
