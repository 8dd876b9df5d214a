using System.CommandLine;
using PluginNet.Host.Cli;

var root = new RootCommand("PluginNet: runs modders' Lua scripts with an asynchronous net module (HTTP, WebSocket client and loopback server).")
{
    RunCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("usage: pluginnet run FILE.lua [FILE.lua ...] [--timeout SECONDS] [--fps N] [--download-dir DIR] [--plugins FILE]");
    return ExitCodes.UsageError;
}

return parsed.Invoke();
