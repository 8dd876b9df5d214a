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
        #   load FILE | unload FILE | reload FILE
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
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            return;
        }

        try
        {
            switch (words[0].ToLowerInvariant(), words.Length)
            {
                case ("help", _):
                    Reply(Help);
                    break;
                case ("scripts", 1):
                    Reply(engine.LoadedScripts.Count == 0 ? "# no scripts loaded" : string.Join('\n', engine.LoadedScripts.Select(s => "# " + s)));
                    break;
                case ("load", 2):
                    Reply(engine.LoadScript(words[1]) ? $"# loaded {words[1]}" : $"# could not load {words[1]} (see the log)");
                    break;
                case ("unload", 2):
                    Reply(engine.UnloadScript(words[1]) ? $"# unloaded {words[1]}" : $"# no loaded script {words[1]}");
                    break;
                case ("reload", 2):
                    Reply(engine.ReloadScript(words[1]) ? $"# reloaded {words[1]}" : $"# could not reload {words[1]} (see the log)");
                    break;
                case ("plugins", 1):
                    Reply(DescribePlugins());
                    break;
                case ("plugin", 3):
                    PluginCommand(words[1].ToLowerInvariant(), words[2]);
                    break;
                case ("use", 3):
                    Use(words[1], words[2]);
                    break;
                case ("status", 1):
                    Reply(DescribeStatus());
                    break;
                case ("quit" or "exit", 1):
                    Reply("# stopping");
                    engine.RequestStop();
                    break;
                default:
                    Reply($"# unknown command '{line.Trim()}'; type help");
                    break;
            }
        }
        catch (ArgumentException ex)
        {
            Reply("# " + ex.Message);
        }
    }

    private void ReadLoop()
    {
        while (input.ReadLine() is { } line)
        {
            engine.Dispatcher.Post(null, () => Execute(line));
        }
    }

    private void PluginCommand(string verb, string name)
    {
        switch (verb)
        {
            case "load":
                var entry = FindEntry(name);
                Reply(engine.LoadPlugin(entry) is { } loaded
                    ? $"# loaded plugin {loaded.Name} ({string.Join(", ", loaded.Serves())})"
                    : $"# plugin {name} not loaded (see the log)");
                break;
            case "unload":
                Reply($"# unloading plugin {name}");
                _ = ReportAsync(engine.UnloadPluginAsync(name), $"# unloaded plugin {name}", then: null);
                break;
            case "reload":
                Reply(engine.ReloadPlugin(FindEntry(name)) switch
                {
                    PluginReloadOutcome.Reloaded => $"# reloaded plugin {name}",
                    PluginReloadOutcome.Loaded => $"# loaded plugin {name}",
                    _ when engine.Plugins.Find(name) is not null => $"# plugin {name} not reloaded (see the log); the previous version keeps serving",
                    _ => $"# plugin {name} not loaded (see the log)",
                });
                break;
            default:
                Reply($"# unknown plugin command '{verb}' (load, unload or reload)");
                break;
        }
    }

    private async Task ReportAsync(Task<WeakReference> unloading, string done, Action? then)
    {
        await unloading.ConfigureAwait(false);
        engine.Dispatcher.Post(null, () =>
        {
            Reply(done);
            then?.Invoke();
        });
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
        if (status.Count == 0)
        {
            return "# no scripts loaded";
        }

        var now = DateTimeOffset.UtcNow;
        return string.Join('\n', status.SelectMany(s =>
            s.Resources.Count == 0
                ? [$"# {s.Script}: no open resources"]
                : s.Resources.Select(r => $"# {s.Script}: {r.Kind} via {r.PluginName}: {r.Describe()} (open {(now - r.CreatedAt).TotalSeconds:0.0} s)")));
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
