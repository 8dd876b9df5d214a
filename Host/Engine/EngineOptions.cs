using PluginNet.Core.Transports;
using PluginNet.Host.Output;
using PluginNet.Host.Plugins;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Engine;

/// <summary>How an engine is set up. Every field has a sensible default.</summary>
public sealed record EngineOptions
{
    /// <summary>Where print and log lines go. Default: standard output and standard error.</summary>
    public IScriptOutput Output { get; init; } = new ConsoleScriptOutput();

    /// <summary>Folder that <c>save_to_file</c> paths resolve under. Default: <c>downloads/</c> in the current directory.</summary>
    public string DownloadDirectory { get; init; } = Path.GetFullPath("downloads");

    /// <summary>
    /// Folder holding each script's data folder (<c>script.data_dir</c>, named after the script file).
    /// Default: <c>data/</c> in the current directory.
    /// </summary>
    public string DataDirectory { get; init; } = Path.GetFullPath("data");

    /// <summary>Frames per second of the standalone frame loop (<c>frame_update</c>). Default 60.</summary>
    public double FramesPerSecond { get; init; } = 60;

    /// <summary>
    /// Time per frame the menu thread may spend on network callbacks; the rest waits for the next
    /// frame, in order. Default 4 ms of a 16.7 ms frame. <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </summary>
    public TimeSpan CallbackBudget { get; init; } = TimeSpan.FromMilliseconds(4);

    /// <summary>
    /// How long one callback (or a script's top-level code) may run before it is aborted with an error
    /// naming the script and line, so an endless loop cannot freeze the menu thread. Default 250 ms.
    /// </summary>
    public TimeSpan CallbackTimeLimit { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Lua memory one script's state may hold; past it an allocation fails inside the script with
    /// "not enough memory" and the other scripts go on. Default 256 MiB.
    /// </summary>
    public long MaxScriptMemoryBytes { get; init; } = EngineLimits.DefaultMaxScriptMemoryBytes;

    /// <summary>
    /// Steps one call of <c>string.find</c>, <c>match</c>, <c>gmatch</c> or <c>gsub</c> may take: a call
    /// that could need more runs on a guarded matcher that fails with an error past it, so a
    /// backtracking pattern cannot freeze the menu thread. Default 50 million.
    /// </summary>
    public long MaxPatternSteps { get; init; } = EngineLimits.DefaultMaxPatternSteps;

    /// <summary>
    /// After how long one call into a script (which the runaway guard did not end: a single long
    /// library call) is logged as the menu thread being stuck, naming the script and the call. Default 5 s.
    /// </summary>
    public TimeSpan StuckCallLogAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// HTTP requests one script may have on the wire at once; more are queued in order (never
    /// dropped) and sent as earlier ones finish, so one script cannot starve the others. Default 16.
    /// </summary>
    public int MaxConcurrentRequestsPerScript { get; init; } = 16;

    /// <summary>Default HTTP timeout when a script gives none. The seed says 10 seconds.</summary>
    public TimeSpan DefaultHttpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest HTTP response body held in memory; a larger one fails the request. Default 64 MiB.</summary>
    public long MaxHttpBodyBytes { get; init; } = HttpRequestSpec.DefaultMaxBodyBytes;

    /// <summary>
    /// Requests per second per host for <c>net.http</c> and the longest hold a server's Retry-After may impose
    /// (<c>limits.http.rate_limits</c>, <c>limits.http.max_hold_s</c>). Default: no rates, holds up to a minute.
    /// </summary>
    public HttpRateLimits HttpRateLimits { get; init; } = HttpRateLimits.None;

    /// <summary>WebSocket client limits (<c>limits.ws</c> in plugins.json). Default: 64 MiB messages.</summary>
    public WsLimits Ws { get; init; } = WsLimits.Defaults;

    /// <summary>WebSocket server limits (<c>limits.ws_server</c>). Default: 64 MiB messages, 16 MiB queued per client.</summary>
    public WsServerLimits WsServer { get; init; } = WsServerLimits.Defaults;

    /// <summary>UDP limits (<c>limits.udp</c>). Default: 4 MiB of datagrams queued per socket.</summary>
    public UdpLimits Udp { get; init; } = UdpLimits.Defaults;

    /// <summary>
    /// Turns host names into addresses for <c>net.http</c> and <c>net.ws</c> (their plugins connect to
    /// what it returns, after the address checks). Null (the default): the system resolver. Tests give
    /// their own, so no name is ever looked up outside the process.
    /// </summary>
    public Func<string, CancellationToken, Task<System.Net.IPAddress[]>>? Resolver { get; init; }

    /// <summary>
    /// Watches scripts' lifecycle and HTTP exchanges (an inspector, or the embedding application's own
    /// tooling). Null (the default): nothing is observed and nothing is spent on it.
    /// </summary>
    public PluginNet.Core.Observation.INetObserver? Observer { get; init; }

    /// <summary>
    /// When true, <see cref="PluginNetEngine.Run"/> keeps going with no script loaded (until a stop or
    /// the timeout), as <c>run --watch</c> does while it waits for a broken script to be fixed.
    /// </summary>
    public bool StayAliveWithoutScripts { get; init; }

    /// <summary>
    /// These options with the <c>limits</c> section of <c>plugins.json</c> applied on top: every limit it
    /// holds (its defaults for fields it leaves out) replaces the one here. <c>pluginnet run</c> does this.
    /// </summary>
    public EngineOptions WithLimits(ConfigLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return this with
        {
            CallbackBudget = TimeSpan.FromMilliseconds(limits.Engine.CallbackBudgetMs),
            CallbackTimeLimit = TimeSpan.FromMilliseconds(limits.Engine.CallbackTimeLimitMs),
            MaxScriptMemoryBytes = limits.Engine.MaxScriptMemoryBytes,
            MaxPatternSteps = limits.Engine.MaxPatternSteps,
            MaxConcurrentRequestsPerScript = limits.Http.MaxConcurrentPerScript,
            DefaultHttpTimeout = TimeSpan.FromSeconds(limits.Http.DefaultTimeoutS),
            MaxHttpBodyBytes = limits.Http.MaxBodyBytes,
            HttpRateLimits = limits.Http.RateLimits,
            Ws = limits.Ws,
            WsServer = limits.WsServer,
            Udp = limits.Udp,
        };
    }
}
