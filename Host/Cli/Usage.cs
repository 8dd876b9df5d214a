namespace PluginNet.Host.Cli;

/// <summary>The one-line usage of <c>pluginnet</c>, listing every option of <c>run</c>.</summary>
internal static class Usage
{
    public const string Line =
        "usage: pluginnet run FILE.lua [FILE.lua ...] [--timeout SECONDS] [--fps N] [--download-dir DIR] [--plugins FILE] [--watch] [--no-console] [--inspect[=PORT]]";

    /// <summary>
    /// An error for a script argument that looks like an option (<c>--bogus</c>): an unknown option is
    /// a mistake on the command line, not a script to look for. A script whose name starts with a
    /// dash can still be given as <c>./-name.lua</c>.
    /// </summary>
    public static string? UnknownOption(string token) =>
        token.Length > 1 && token[0] == '-'
            ? $"unknown option '{token}' (pluginnet run --help lists every option; a script whose name starts with '-' is given as ./{token})"
            : null;
}
