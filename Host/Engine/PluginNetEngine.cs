using PluginNet.Core.Observation;
using PluginNet.Core.Resources;
using PluginNet.Core.Threading;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua.Modules;
using PluginNet.Host.Output;
using PluginNet.Host.Transports;
using PluginNet.Host.Lua;
using PluginNet.Host.Lua.Tasks;
using PluginNet.Host.Plugins;

namespace PluginNet.Host.Engine;

/// <summary>
/// The PluginNet engine: plugins, scripts and the menu thread. The command line is one host of it;
/// an application embeds it by calling <see cref="Tick"/> once per frame from its own loop (that
/// thread becomes the menu thread) and by adding its own modules with <see cref="AddModule"/>.
/// </summary>
/// <remarks>
/// Everything that touches scripts — loading, unloading, <see cref="Tick"/>, <see cref="Run"/> — must be
/// called on the menu thread. <see cref="RequestStop"/> may be called from anywhere.
/// </remarks>
public sealed partial class PluginNetEngine : IAsyncDisposable
{
    private readonly List<ScriptRuntime> _scripts = [];
    private readonly List<ILuaModule> _applicationModules = [];
    private readonly ScriptUnloader _unloader;
    private readonly ScriptServices _scriptServices;
    private readonly MenuThreadWatchdog _watchdog;
    private readonly NetServices _netServices;
    private PluginConfig? _config;
    private long _frame;

    /// <summary>Creates an engine; no plugin or script is loaded yet.</summary>
    public PluginNetEngine(EngineOptions? options = null)
    {
        Options = options ?? new EngineOptions();
        Plugins = new PluginManager(Options.Output);
        _unloader = new ScriptUnloader(_scripts, Options.Output, Options.Observer);
        var watch = new MenuThreadWatch();
        _watchdog = new MenuThreadWatchdog(watch, Options.Output, Options.StuckCallLogAfter);
        _scriptServices = new ScriptServices(Dispatcher, Options.Output, Options.CallbackTimeLimit, Options.MaxScriptMemoryBytes, Options.MaxPatternSteps, watch, Options.Observer);
        _netServices = new NetServices(
            Transports,
            () => _config?.Permissions ?? NetPermissions.AllowAll,
            () => _config?.AllowedOrigins ?? [],
            Options.DownloadDirectory,
            Options.DataDirectory,
            Options.DefaultHttpTimeout,
            Options.MaxConcurrentRequestsPerScript,
            Options.MaxHttpBodyBytes,
            Options.Ws,
            Options.WsServer,
            Options.Udp,
            new LastRequests(),
            new ConnectionRuleSets(() => _config?.Tls ?? TlsRules.SystemDefault, Options.Resolver))
        {
            HttpGovernor = new HttpGovernor(Options.HttpRateLimits),
            Observer = Options.Observer,
        };
        Dispatcher.WorkFailed += (ex, scope) =>
            Options.Output.Log(LogLevel.Error, scope?.Name, $"menu-thread work failed: {ex}");
    }

    /// <summary>The settings this engine runs with.</summary>
    public EngineOptions Options { get; }

    /// <summary>Hands work to the menu thread.</summary>
    public MenuThreadDispatcher Dispatcher { get; } = new();

    /// <summary>Which plugin serves each transport.</summary>
    public TransportRegistry Transports { get; } = new();

    /// <summary>The loaded plugins.</summary>
    public PluginManager Plugins { get; }

    /// <summary>Absolute paths of the scripts loaded now.</summary>
    public IReadOnlyList<string> LoadedScripts => [.. _scripts.Select(s => s.ScriptPath)];

    /// <summary>Frames fired so far.</summary>
    public long FrameCount => _frame;

    /// <summary>Adds a module (e.g. a <c>game</c> table) to every script loaded from now on.</summary>
    public void AddModule(ILuaModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        _applicationModules.Add(module);
    }

    /// <summary>
    /// Fires an application event (e.g. <c>player_spawned</c>) to every script's <c>event.on</c>
    /// handlers, with <paramref name="argument"/> as the handlers' argument (a string, or nil). Menu thread.
    /// </summary>
    public void FireEvent(string name, string? argument = null)
    {
        Dispatcher.VerifyMenuThread();
        FireToActiveScripts(name, state =>
        {
            if (argument is null)
            {
                state.PushNil();
            }
            else
            {
                state.PushText(argument);
            }
        });
    }

    /// <summary>What every script holds now, from its ledger: (script path, entries).</summary>
    public IReadOnlyList<(string Script, IReadOnlyList<LedgerEntry> Resources)> Status() =>
        [.. _scripts.Where(s => s.Scope.IsActive).Select(s => (s.ScriptPath, s.Scope.Ledger.Snapshot()))];

    /// <summary>
    /// The HTTP governor's holds in force now (a server asked for a pause): host, or host and bucket, and the
    /// time left. For <c>status</c>.
    /// </summary>
    public IReadOnlyList<(string Target, TimeSpan Left)> HttpHolds() => _netServices.HttpGovernor.Holds();

    /// <summary>
    /// Unloads a script and loads the file again in a fresh Lua state. The new version is compiled
    /// first: when it cannot be read or does not compile, that is logged, false is returned and the
    /// running version stays loaded, untouched. Menu thread.
    /// </summary>
    public bool ReloadScript(string path)
    {
        var full = Path.GetFullPath(path);
        if (_scripts.Any(s => s.ScriptPath == full) && ScriptSyntax.Problem(full) is { } problem)
        {
            Options.Output.Log(LogLevel.Error, Path.GetFileName(full), $"not reloaded: {problem}; the running version stays loaded");
            return false;
        }

        UnloadScript(full);
        return LoadScript(full);
    }

    /// <summary>
    /// Loads and runs a script in a fresh Lua state. Returns false (after logging why) when the file
    /// cannot be read or its top-level code fails; then nothing of it stays loaded.
    /// </summary>
    public bool LoadScript(string path)
    {
        Dispatcher.BindToCurrentThread();
        var full = Path.GetFullPath(path);
        if (_scripts.Any(s => s.ScriptPath == full))
        {
            Options.Output.Log(LogLevel.Error, Path.GetFileName(full), "is already loaded");
            return false;
        }

        if (!File.Exists(full))
        {
            Options.Output.Log(LogLevel.Error, Path.GetFileName(full), $"no such script: {full}");
            return false;
        }

        var script = new ScriptRuntime(full, _scriptServices);
        try
        {
            script.InstallBaseModules(_ =>
            {
                _unloader.Request(script);
                return 0;
            });
            foreach (var module in BuiltInModules())
            {
                module.Install(script);
            }

            var context = new LuaModuleContext(full, script.Lua);
            foreach (var module in _applicationModules)
            {
                module.Install(context);
            }
        }
        catch (Exception ex) when (ex is ScriptException or NLua.Exceptions.LuaException)
        {
            Options.Output.Log(LogLevel.Error, script.Scope.Name, $"could not set up the script: {ex.Message}");
            Observe(script, ScriptObservationKind.LoadFailed, $"could not set up the script: {ex.Message}");
            script.Scope.End();
            script.Dispose();
            return false;
        }

        _scripts.Add(script);
        if (!script.RunScriptFile())
        {
            // It never loaded, so nobody hears script_unloaded for it; what its top level opened is released.
            Observe(script, ScriptObservationKind.LoadFailed);
            _unloader.Request(script, announce: false);
            _unloader.ProcessPending();
            return false;
        }

        Observe(script, ScriptObservationKind.Loaded);
        _unloader.ProcessPending(); // the script may have unloaded itself already
        return true;
    }

    // Loaded carries the scope (the inspector snapshots its ledger); LoadFailed the error that stopped it.
    private void Observe(ScriptRuntime script, ScriptObservationKind kind, string? message = null)
    {
        if (Options.Observer is { } observer)
        {
            var (text, traceback) = kind == ScriptObservationKind.LoadFailed
                ? ScriptRuntime.SplitTraceback(message ?? script.LastError ?? "the script did not load")
                : (null, null);
            observer.OnScript(new ScriptObservation(script.Scope.Name, kind, DateTimeOffset.UtcNow)
            {
                Scope = kind == ScriptObservationKind.Loaded ? script.Scope : null,
                Message = text,
                Traceback = traceback,
            });
        }
    }

    /// <summary>Unloads a script now: <c>script_unloaded</c> to every script, then its resources are released.</summary>
    /// <returns>False when no such script is loaded.</returns>
    public bool UnloadScript(string path)
    {
        var full = Path.GetFullPath(path);
        var script = _scripts.FirstOrDefault(s => s.ScriptPath == full);
        if (script is null)
        {
            return false;
        }

        _unloader.Request(script);
        _unloader.ProcessPending();
        return true;
    }

    /// <summary>
    /// Unloads every script (the end of a run): first every unload is announced, in load order, to
    /// every script, so each script hears every unload, its own included; then each script's resources
    /// are released and its state closed.
    /// </summary>
    public void UnloadAllScripts()
    {
        var leaving = _scripts.Where(s => s.Scope.IsActive).ToList();
        foreach (var script in leaving)
        {
            ScriptUnloader.Announce(script, leaving);
        }

        foreach (var script in leaving)
        {
            _unloader.Request(script, announce: false);
        }

        _unloader.ProcessPending();
    }

    /// <summary>Completes when every resource release started so far has finished.</summary>
    public Task WhenReleasedAsync() => _unloader.WhenReleasedAsync();

    /// <summary>
    /// Unloads every script, waits (bounded) for their resources to be released and for the HTTP
    /// requests they left to end (at most <c>LastRequests.Grace</c>), then unloads the plugins.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        UnloadAllScripts();
        await _unloader.WaitReleasesAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await _netServices.LastRequests.DrainAsync().ConfigureAwait(false);
        foreach (var plugin in Plugins.Plugins.ToList())
        {
            await Plugins.UnloadAsync(plugin).ConfigureAwait(false);
        }

        Transports.Rebuild(Plugins.Plugins);
        _netServices.HttpGovernor.Dispose();
        Dispatcher.Dispose();
        _watchdog.Dispose();
    }

    private IEnumerable<IScriptModule> BuiltInModules() =>
    [
        new OutputModule(),
        new JsonModule(),
        new FilesModule(() => _config?.Permissions ?? NetPermissions.AllowAll, Options.DataDirectory, Options.DownloadDirectory),
        new TasksModule(), // before net: net.http and net.ws wait inside tasks
        new NetModule(),
        .. TransportKind.All.Select(kind => kind.CreateBinder(_netServices)),
    ];

    // A handler may unload its own or another script: iterate a copy, skip ended ones, then tear down.
    private void FireToActiveScripts(string name, Action<KeraLua.Lua> pushArgument)
    {
        foreach (var script in _scripts.ToList())
        {
            if (script.Scope.IsActive)
            {
                script.Fire(name, pushArgument);
            }
        }

        _unloader.ProcessPending();
    }
}
