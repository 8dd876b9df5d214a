using System.Diagnostics;
using PluginNet.Host.Lua;
using PluginNet.Host.Output;

namespace PluginNet.Host.Engine;

/// <summary>
/// Notices the menu thread stuck in one call into a script for longer than
/// <see cref="EngineOptions.StuckCallLogAfter"/>: a call the runaway guard cannot interrupt (it
/// counts Lua instructions, and one long library call in C or in the host runs none). Logs it once
/// per call, naming the script and the call; it cannot end the call. <c>pluginnet run</c> still ends
/// on SIGTERM/SIGINT then (see Cli/RunCommand.cs).
/// </summary>
internal sealed class MenuThreadWatchdog : IDisposable
{
    private readonly MenuThreadWatch _watch;
    private readonly IScriptOutput _output;
    private readonly TimeSpan _after;
    private readonly Timer _timer;
    private long _reported; // the Since of the call already logged

    public MenuThreadWatchdog(MenuThreadWatch watch, IScriptOutput output, TimeSpan after)
    {
        _watch = watch;
        _output = output;
        _after = after;
        var every = TimeSpan.FromMilliseconds(Math.Clamp(after.TotalMilliseconds / 4, 50, 1000));
        _timer = new Timer(_ => Look(), null, every, every);
    }

    public void Dispose() => _timer.Dispose();

    private void Look()
    {
        if (_watch.Current() is not { } call || call.Since == Interlocked.Read(ref _reported))
        {
            return;
        }

        var stuck = Stopwatch.GetElapsedTime(call.Since);
        if (stuck < _after)
        {
            return;
        }

        Interlocked.Exchange(ref _reported, call.Since);
        _output.Log(LogLevel.Error, Path.GetFileName(call.Script),
            $"the menu thread is stuck in one call for {stuck.TotalSeconds:0.0} s ({call.Where} in {call.Script}): " +
            "a single library call the runaway guard cannot interrupt; scripts cannot unload until it returns " +
            "(SIGTERM or Ctrl-C still end pluginnet run)");
    }
}
