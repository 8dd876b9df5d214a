using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Cli;

/// <summary>
/// The line-based control console on standard input while <c>run</c> is going. Lines are read on a
/// background thread and executed on the menu thread; replies start with <c>#</c> so they stand out
/// from script output. End of input just ends the console.
/// </summary>
internal sealed class ControlConsole(PluginNetEngine engine, TextReader input, TextWriter output)
{
    public static readonly string Help = $"""
        # commands:
        #   scripts                     list loaded scripts
        #   load FILE | unload FILE | reload FILE   (a path with spaces: quoted, or as it is)
        #   plugins                     list plugins and which one serves each transport
        #   plugin load NAME | plugin unload NAME | plugin reload NAME   (NAME from plugins.json)
        #   use TRANSPORT PLUGIN        switch a transport ({TransportKind.KeyList("or")}) to another plugin
        #   status                      every script's open resources
        #   quit                        unload every script and exit
        """;

    public void Start() => new Thread(ReadLoop) { IsBackground = true, Name = "control console" }.Start();

    /// <summary>Runs one command. Menu thread.</summary>
    public void Execute(string line)
    {
        var parsed = ConsoleLine.Parse(line);
        var words = parsed.Words;
        if (words.Count == 0)
        {
            return;
        }

        if (parsed.Problem is { } problem)
        {
            Reply($"# {problem}: put a path with spaces in \"double\" or 'single' quotes");
            return;
        }

        try
        {
            var verb = words[0].ToLowerInvariant();
            switch (verb)
            {
                case "help":
                    Reply(Help);
                    break;
                case "scripts" or "plugins" or "status" or "quit" or "exit" when words.Count > 1:
                    Reply($"# usage: {verb} (it takes no arguments)");
                    break;
                case "scripts":
                    Reply(engine.LoadedScripts.Count == 0 ? "# no scripts loaded" : string.Join('\n', engine.LoadedScripts.Select(s => "# " + s)));
                    break;
                case "load" or "unload" or "reload":
                    ScriptCommand(verb, parsed);
                    break;
                case "plugins":
                    Reply(DescribePlugins());
                    break;
                case "plugin":
                    PluginCommand(words);
                    break;
                case "use":
                    if (words.Count != 3)
                    {
                        Reply($"# usage: use TRANSPORT PLUGIN   (TRANSPORT is {TransportKind.KeyList("or")}; e.g. use http Replay)");
                        break;
                    }

                    Use(words[1], words[2]);
                    break;
                case "status":
                    Reply(DescribeStatus());
                    break;
                case "quit" or "exit":
                    Reply("# stopping");
                    engine.RequestStop();
                    break;
                default:
                    Reply($"# unknown command '{words[0]}'; type help");
                    break;
            }
        }
        catch (ArgumentException ex)
        {
            Reply("# " + ex.Message);
        }
    }

    // load FILE | unload FILE | reload FILE: one path, quoted or, spaces and all, unquoted.
    private void ScriptCommand(string verb, ConsoleLine line)
    {
        var words = line.Words;
        if (words.Count == 1 || (line.Quoted && words.Count > 2))
        {
            Reply($"# usage: {verb} FILE   (quote a path with spaces, or type it as it is: {verb} my mods/hud.lua)");
            return;
        }

        var file = line.Quoted ? words[1] : line.Rest(0);
        switch (verb)
        {
            case "load":
                Reply(engine.LoadScript(file) ? $"# loaded {file}" : $"# could not load {file} (see the log)");
                break;
            case "unload":
                Reply(engine.UnloadScript(file) ? $"# unloaded {file}" : $"# no loaded script {file}");
                break;
            default:
                Reply(engine.ReloadScript(file) ? $"# reloaded {file}"
                    : engine.LoadedScripts.Contains(Path.GetFullPath(file)) ? $"# could not reload {file} (see the log); the running version stays loaded"
                    : $"# could not reload {file} (see the log)");
                break;
        }
    }

    private void ReadLoop()
    {
        while (input.ReadLine() is { } line)
        {
            engine.Dispatcher.Post(null, () => Execute(line));
        }
    }

    private void PluginCommand(IReadOnlyList<string> words)
    {
        var verb = words.Count > 1 ? words[1].ToLowerInvariant() : string.Empty;
        if (verb is not ("load" or "unload" or "reload"))
        {
            Reply(words.Count == 1
                ? "# usage: plugin load NAME | plugin unload NAME | plugin reload NAME   (NAME from plugins.json)"
                : $"# unknown plugin command '{words[1]}' (load, unload or reload)");
            return;
        }

        if (words.Count != 3)
        {
            Reply($"# usage: plugin {verb} NAME   (NAME from plugins.json; type plugins to list them)");
            return;
        }

        var name = words[2];
        var loaded = engine.Plugins.Find(name);
        switch (verb)
        {
            case "load" when loaded is not null:
                Reply($"# plugin {loaded.Name} is already loaded (plugin reload {loaded.Name} loads its files again)");
                break;
            case "load":
                var entry = FindEntry(name);
                Reply(engine.LoadPlugin(entry) is { } plugin
                    ? $"# loaded plugin {plugin.Name} ({string.Join(", ", plugin.Serves())})"
                    : $"# plugin {name} not loaded (see the log)");
                break;
            case "unload" when loaded is null:
                Reply($"# plugin {name} is not loaded");
                break;
            case "unload":
                Reply($"# unloading plugin {loaded.Name}");
                _ = ReportAsync(engine.UnloadPluginAsync(loaded.Name), $"# unloaded plugin {loaded.Name}");
                break;
            default:
                Reply(engine.ReloadPlugin(FindEntry(name)) switch
                {
                    PluginReloadOutcome.Reloaded => $"# reloaded plugin {name}",
                    PluginReloadOutcome.Loaded => $"# loaded plugin {name}",
                    _ when loaded is not null => $"# plugin {name} not reloaded (see the log); the previous version keeps serving",
                    _ => $"# plugin {name} not loaded (see the log)",
                });
                break;
        }
    }

    private async Task ReportAsync(Task<WeakReference> unloading, string done)
    {
        await unloading.ConfigureAwait(false);
        engine.Dispatcher.Post(null, () => Reply(done));
    }

    private void Use(string transport, string plugin)
    {
        if (!TransportKind.TryParse(transport, out var kind))
        {
            Reply($"# unknown transport '{transport}' ({TransportKind.KeyList("or")})");
            return;
        }

        Reply(engine.SwitchTransport(kind, plugin)
            ? $"# {kind.LuaName} now served by {plugin}"
            : $"# plugin {plugin} is not loaded or does not serve {transport}");
    }

    private PluginEntry FindEntry(string name) =>
        engine.Config?.Plugins.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"no plugin named '{name}' in plugins.json");

    private string DescribePlugins()
    {
        var lines = engine.Plugins.Plugins.Select(p => $"# {p.Name}: loaded, serves {string.Join(", ", p.Serves())} ({p.Entry.AssemblyPath})").ToList();
        lines.AddRange((engine.Config?.Plugins ?? []).Where(e => engine.Plugins.Find(e.Name) is null).Select(e => $"# {e.Name}: not loaded ({e.AssemblyPath})"));
        lines.AddRange(TransportKind.All.Select(k => "# " + k.StatusLine(engine.Transports.ProviderOf(k))));
        return string.Join('\n', lines);
    }

    private string DescribeStatus()
    {
        var status = engine.Status();
        var holds = engine.HttpHolds().Select(h => $"# http: requests to {h.Target} held {h.Left.TotalSeconds:0.0} s more (the server asked for a pause)");
        if (status.Count == 0)
        {
            return string.Join('\n', holds.Prepend("# no scripts loaded"));
        }

        var now = DateTimeOffset.UtcNow;
        return string.Join('\n', status.SelectMany(s =>
            s.Resources.Count == 0
                ? [$"# {s.Script}: no open resources"]
                : s.Resources.Select(r => $"# {s.Script}: {r.Kind} via {r.PluginName}: {r.Describe()} (open {(now - r.CreatedAt).TotalSeconds:0.0} s)")).Concat(holds));
    }

    private void Reply(string text)
    {
        lock (output)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }
}
