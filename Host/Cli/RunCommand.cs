using System.CommandLine;
using System.Runtime.InteropServices;
using PluginNet.Host.Output;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;

namespace PluginNet.Host.Cli;

/// <summary><c>pluginnet run FILE.lua [FILE.lua ...]</c>: load the plugins, run the scripts on the frame loop.</summary>
internal static class RunCommand
{
    // About 31 years: far beyond any run, and TimeSpan holds it.
    private const double MaxTimeoutSeconds = 1e9;

    public static Command Create()
    {
        var scripts = new Argument<FileInfo[]>("scripts")
        {
            HelpName = "FILE.lua",
            Arity = ArgumentArity.OneOrMore,
            Description = "Lua scripts to load, in order",
        };
        scripts.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (Usage.UnknownOption(token.Value) is { } error)
                {
                    r.AddError(error);
                }
            }
        });
        var timeout = NumberOption.Create(
            "--timeout", "SECONDS", "Unload every script and exit with 124 after this many seconds", "a number of seconds", MaxTimeoutSeconds, "30");
        var fps = NumberOption.Create(
            "--fps", "N", "Frames per second of the menu thread's frame loop (frame_update) [default: 60]", "frames per second", 1000, "60");
        var downloadDir = new Option<DirectoryInfo>("--download-dir")
        {
            HelpName = "DIR",
            Description = "Folder that save_to_file paths resolve under",
            DefaultValueFactory = _ => new DirectoryInfo("downloads"),
        };
        var plugins = new Option<FileInfo?>("--plugins")
        {
            HelpName = "FILE",
            Description = "plugins.json to use (default: ./plugins.json, else the one above the executable)",
        };

        var watch = new Option<bool>("--watch")
        {
            Description = "Reload a script when its file changes, and a plugin when its folder changes",
        };
        var noConsole = new Option<bool>("--no-console")
        {
            Description = "Do not read control commands from standard input",
        };

        var inspect = InspectOption.Create();

        var command = new Command("run", $"Run Lua scripts until they unload themselves.\n  {Usage.Line}") { scripts, timeout, fps, downloadDir, plugins, watch, noConsole, inspect };
        command.SetAction(result => Run(
            result.GetValue(scripts)!,
            result.GetValue(timeout),
            new EngineOptions
            {
                FramesPerSecond = result.GetValue(fps) ?? 60,
                DownloadDirectory = result.GetValue(downloadDir)!.FullName,
                StayAliveWithoutScripts = result.GetValue(watch),
            },
            result.GetValue(plugins),
            result.GetValue(watch),
            !result.GetValue(noConsole),
            result.GetValue(inspect)));
        return command;
    }

    // How long a signal waits for the menu thread to unload the scripts before the process just ends.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1.5);

    private static int Run(FileInfo[] scripts, double? timeoutSeconds, EngineOptions options, FileInfo? pluginsFile, bool watch, bool console, int? inspectPort = null)
    {
        var output = options.Output;
        var configPath = pluginsFile?.FullName ?? PluginConfigLocator.Find();
        if (configPath is null)
        {
            output.Log(LogLevel.Error, null, "no plugins.json found (looked in the current directory and above the executable); pass --plugins FILE");
            return ExitCodes.UsageError;
        }

        PluginConfig config;
        try
        {
            config = PluginConfig.Load(configPath);
        }
        catch (PluginConfigException ex)
        {
            output.Log(LogLevel.Error, null, ex.Message);
            return ExitCodes.UsageError;
        }

        options = options.WithLimits(config.Limits);

        // Started before the engine so it sees the first script load; disposed after the engine.
        using var inspector = inspectPort is { } port ? InspectOption.Start(config, port, output) : null;
        if (inspectPort is not null && inspector is null)
        {
            return ExitCodes.UsageError;
        }

        options = options with { Observer = inspector?.Inspector ?? options.Observer };
        var engine = new PluginNetEngine(options);
        var signal = 0;
        var runReturned = false;
        Timer? forcedExit = null;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => Stop(ctx, ExitCodes.Interrupted));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => Stop(ctx, ExitCodes.Terminated));

        try
        {
            engine.LoadPlugins(config);
        }
        catch (PluginConfigException ex)
        {
            output.Log(LogLevel.Error, null, ex.Message);
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult(); // no script ran: nothing needs this thread
            return ExitCodes.UsageError;
        }

        // Watch before loading, so no change made while the scripts start is missed.
        using var watcher = watch ? new FileWatch(engine, output) : null;
        if (watcher is not null)
        {
            Array.ForEach(scripts, s => watcher.WatchScript(s.FullName));
            config.Plugins.Where(p => p.Enabled).ToList().ForEach(watcher.WatchPlugin);
        }

        var failed = scripts.Count(script => !engine.LoadScript(script.FullName));

        if (console)
        {
            new ControlConsole(engine, Console.In, Console.Out).Start();
        }

        var result = engine.Run(timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
        Volatile.Write(ref runReturned, true);
        engine.DisposeAsync().AsTask().GetAwaiter().GetResult(); // the frame loop is over: nothing needs this thread now

        return result switch
        {
            EngineRunResult.TimedOut => ExitCodes.TimedOut,
            EngineRunResult.Stopped => Volatile.Read(ref signal),
            _ => failed > 0 ? ExitCodes.ScriptFailed : ExitCodes.Success,
        };

        void Stop(PosixSignalContext context, int code)
        {
            context.Cancel = true; // unload gracefully instead of dying
            Volatile.Write(ref signal, code);
            engine.RequestStop();
            // The stop goes through the menu thread; if it is stuck in one call (see MenuThreadWatchdog)
            // the process ends anyway, with the signal's code, instead of outliving the signal.
            Interlocked.CompareExchange(ref forcedExit, new Timer(_ => ExitIfStuck(code), null, StopGrace, Timeout.InfiniteTimeSpan), null);
        }

        void ExitIfStuck(int code)
        {
            if (!Volatile.Read(ref runReturned))
            {
                output.Log(LogLevel.Error, null, $"the menu thread did not stop within {StopGrace.TotalSeconds} s (stuck in one call); exiting without unloading the scripts");
                Environment.Exit(code);
            }
        }
    }
}
