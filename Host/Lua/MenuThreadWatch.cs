using System.Diagnostics;

namespace PluginNet.Host.Lua;

/// <summary>
/// What the menu thread is running in a script now: which script, which call (an event, a callback,
/// the script's loading) and since when. Written by the menu thread as it enters and leaves a
/// script; read by the watchdog (<c>Engine/MenuThreadWatchdog.cs</c>) from its own thread.
/// </summary>
internal sealed class MenuThreadWatch
{
    private long _since; // Stopwatch timestamp of the outermost call's start; 0 while no script runs
    private int _depth; // menu thread only
    private string? _script;
    private string? _where;

    /// <summary>The menu thread enters <paramref name="script"/> for <paramref name="where"/>.</summary>
    public void Enter(string script, string where)
    {
        if (_depth++ == 0)
        {
            Volatile.Write(ref _script, script);
            Volatile.Write(ref _where, where);
            Volatile.Write(ref _since, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>The call begun with the matching <see cref="Enter"/> returned.</summary>
    public void Leave()
    {
        if (--_depth == 0)
        {
            Volatile.Write(ref _since, 0);
        }
    }

    /// <summary>The call running now, or null. <c>Since</c> tells one call from the next.</summary>
    public (long Since, string Script, string Where)? Current()
    {
        var since = Volatile.Read(ref _since);
        var script = Volatile.Read(ref _script);
        var where = Volatile.Read(ref _where);
        // Read twice: if a new call began in between, the names may belong to it; skip this look.
        return since != 0 && since == Volatile.Read(ref _since) && script is not null && where is not null
            ? (since, script, where)
            : null;
    }
}
