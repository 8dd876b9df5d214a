using System.CommandLine;
using PluginNet.Host.Cli;

var root = new RootCommand($"PluginNet: runs modders' Lua scripts with an asynchronous net module (HTTP, WebSocket client and loopback server).\n  {Usage.Line}\n  pluginnet run --help describes each option.")
{
    RunCommand.Create(),
};
var parsed = root.Parse(InspectOption.Normalize(args));
if (parsed.Errors.Count > 0)
{
    // One line per problem, no stack trace; the usage line only when the script (or the command) is missing.
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"pluginnet: {error.Message}");
    }

    if (parsed.Errors.Any(e => e.Message.StartsWith("Required", StringComparison.Ordinal)))
    {
        Console.Error.WriteLine(Usage.Line);
    }

    return ExitCodes.UsageError;
}

return parsed.Invoke();
