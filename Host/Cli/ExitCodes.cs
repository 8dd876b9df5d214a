namespace PluginNet.Host.Cli;

/// <summary>Exit codes of <c>pluginnet run</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Every script unloaded itself.</summary>
    public const int Success = 0;

    /// <summary>A script failed to load (the others still ran to the end).</summary>
    public const int ScriptFailed = 1;

    /// <summary>Bad command line or <c>plugins.json</c>.</summary>
    public const int UsageError = 2;

    /// <summary><c>--timeout</c> ran out (as coreutils' timeout).</summary>
    public const int TimedOut = 124;

    /// <summary>Stopped by SIGINT (128 + 2).</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (128 + 15).</summary>
    public const int Terminated = 143;
}
