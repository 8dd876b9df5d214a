using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using PluginNet.Core.Transports;
using PluginNet.Host.Output;
using PluginNet.Host.Plugins;

namespace PluginNet.Host.Cli;

/// <summary>
/// <c>run --inspect[=PORT]</c>: loads the Inspector plugin, starts its page on 127.0.0.1 and prints
/// <c>inspector: URL</c>. Without the option nothing of it is loaded.
/// </summary>
internal static class InspectOption
{
    public const string Name = "--inspect";

    public static Option<int?> Create() => new(Name)
    {
        HelpName = "PORT",
        Description = "Serve a live inspector page on 127.0.0.1 (scripts, HTTP, WebSocket, UDP; HAR export at /har) and print its URL; "
            + "--inspect alone or --inspect=0 picks a free port",
        CustomParser = Parse,
    };

    /// <summary>
    /// Turns a bare <c>--inspect</c> into <c>--inspect=0</c>, so the option's value is optional without the
    /// parser taking the next script name for a port: a port is only ever given as <c>--inspect=PORT</c>.
    /// </summary>
    public static string[] Normalize(string[] args) => [.. args.Select(a => a == Name ? Name + "=0" : a)];

    private static int? Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "0" : result.Tokens[^1].Value;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            result.AddError($"{Name} '{text}' is not a port: give {Name} alone for a free port, or {Name}=PORT with PORT from 1 to 65535");
            return null;
        }

        return port;
    }

    /// <summary>Loads and starts the inspector; null, after saying why, when it cannot.</summary>
    public static InspectorPlugin? Start(PluginConfig config, int port, IScriptOutput output)
    {
        if (InspectorPlugin.FindEntry(config) is not { } entry)
        {
            output.Log(LogLevel.Error, null, $"{Name} needs an \"{InspectorPlugin.EntryName}\" entry in plugins.json (its \"path\" is artifacts/plugins/Inspector/PluginNet.Plugins.Inspector.dll; \"enabled\": false keeps it out of runs without {Name})");
            return null;
        }

        InspectorPlugin plugin;
        try
        {
            plugin = InspectorPlugin.Load(entry);
        }
        catch (InvalidOperationException ex)
        {
            output.Log(LogLevel.Error, null, ex.Message);
            return null;
        }

        try
        {
            var url = plugin.Inspector.StartAsync(port).GetAwaiter().GetResult();
            Console.Out.WriteLine($"inspector: {url}");
            Console.Out.Flush();
            return plugin;
        }
        catch (PortInUseException ex)
        {
            output.Log(LogLevel.Error, null, $"{Name}: {ex.Message}");
            plugin.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return null;
        }
    }
}
