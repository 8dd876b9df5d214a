using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;

namespace PluginNet.TestSupport;

/// <summary>
/// Runs a real engine with the real plugins on its own menu thread, as the command line does, so a
/// test can talk to it over sockets and wait for what the scripts print.
/// </summary>
public sealed class EngineRunner : IAsyncDisposable
{
    private readonly TaskCompletionSource<EngineRunResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private PluginNetEngine? _engine;

    private EngineRunner(EngineOptions options, string? pluginsJson, Action<PluginNetEngine>? configure, string[] scripts, TimeSpan limit)
    {
        Output = (RecordingOutput)options.Output;
        _thread = new Thread(() => Main(options, pluginsJson, configure, scripts, limit)) { IsBackground = true, Name = "menu thread (test)" };
    }

    /// <summary>What the scripts printed and logged.</summary>
    public RecordingOutput Output { get; }

    /// <summary>The engine (touch it only through <see cref="InvokeAsync"/>).</summary>
    public PluginNetEngine Engine => _engine ?? throw new InvalidOperationException("not started");

    /// <summary>Completes when the frame loop returns.</summary>
    public Task<EngineRunResult> Completion => _done.Task;

    /// <summary>Starts an engine with the repository's plugins.json (or none) and loads <paramref name="scripts"/>.</summary>
    public static async Task<EngineRunner> StartAsync(
        string[] scripts,
        TimeSpan? limit = null,
        Func<EngineOptions, EngineOptions>? options = null,
        Action<PluginNetEngine>? configure = null,
        string? pluginsJson = null,
        bool withPlugins = true)
    {
        var baseOptions = new EngineOptions { Output = new RecordingOutput(), DownloadDirectory = LuaScripts.NewFolder() };
        var runner = new EngineRunner(options?.Invoke(baseOptions) ?? baseOptions, withPlugins ? pluginsJson ?? RepoPaths.PluginsJson : null, configure, scripts, limit ?? TimeSpan.FromSeconds(60));
        runner._thread.Start();
        await runner._loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return runner;
    }

    /// <summary>
    /// Runs <paramref name="lua"/> (written to a script file) until it unloads itself and returns what
    /// it printed and logged. See the overload taking script paths.
    /// </summary>
    public static Task<RecordingOutput> RunToEndAsync(
        string lua,
        TimeSpan? timeout = null,
        bool requireUnloaded = true,
        Func<EngineOptions, EngineOptions>? options = null,
        Action<PluginNetEngine>? configure = null,
        string? pluginsJson = null,
        bool withPlugins = true) =>
        RunToEndAsync([LuaScripts.Write(lua)], timeout, requireUnloaded, options, configure, pluginsJson, withPlugins);

    /// <summary>
    /// Runs <paramref name="scripts"/> until the frame loop returns and returns what they printed and
    /// logged. Throws <see cref="TimeoutException"/> when the engine has not exited within
    /// <paramref name="timeout"/> (30 s by default); with <paramref name="requireUnloaded"/>, also fails
    /// (with the transcript) when it stopped for any reason other than every script unloading.
    /// </summary>
    public static async Task<RecordingOutput> RunToEndAsync(
        string[] scripts,
        TimeSpan? timeout = null,
        bool requireUnloaded = true,
        Func<EngineOptions, EngineOptions>? options = null,
        Action<PluginNetEngine>? configure = null,
        string? pluginsJson = null,
        bool withPlugins = true)
    {
        await using var runner = await StartAsync(scripts, options: options, configure: configure, pluginsJson: pluginsJson, withPlugins: withPlugins);
        var result = await runner.WaitForExitAsync(timeout);
        if (requireUnloaded && result != EngineRunResult.AllScriptsUnloaded)
        {
            throw new InvalidOperationException($"the engine stopped with {result}, not with every script unloaded:\n{runner.Output.Transcript}");
        }

        return runner.Output;
    }

    /// <summary>
    /// Waits for the script's "port=N" line (a listening script prints it; further words after a
    /// space are ignored) and returns N.
    /// </summary>
    public async Task<int> WaitForPortAsync(TimeSpan timeout)
    {
        var line = await Output.WaitForPrintAsync(p => p.StartsWith("port=", StringComparison.Ordinal), timeout);
        return int.Parse(line.Split(' ')[0]["port=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="action"/> on the menu thread and waits for it.</summary>
    public Task InvokeAsync(Action<PluginNetEngine> action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Engine.Dispatcher.Post(null, () =>
        {
            try
            {
                action(Engine);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits for the frame loop to return (all scripts unloaded), bounded.</summary>
    public Task<EngineRunResult> WaitForExitAsync(TimeSpan? timeout = null) =>
        _done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_engine is not null && !_done.Task.IsCompleted)
        {
            _engine.RequestStop();
        }

        await _done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void Main(EngineOptions options, string? pluginsJson, Action<PluginNetEngine>? configure, string[] scripts, TimeSpan limit)
    {
        try
        {
            var engine = new PluginNetEngine(options);
            _engine = engine;
            if (pluginsJson is not null)
            {
                engine.LoadPlugins(PluginConfig.Load(pluginsJson));
            }

            configure?.Invoke(engine);
            foreach (var script in scripts)
            {
                engine.LoadScript(script);
            }

            _loaded.TrySetResult(true);
            var result = engine.Run(limit);
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _done.TrySetResult(result);
        }
        catch (Exception ex)
        {
            _loaded.TrySetException(ex);
            _done.TrySetException(ex);
        }
    }
}
