namespace PluginNet.Host.Output;

/// <summary>Where a script's <c>print</c> and <c>log.*</c> output and the engine's own messages go.</summary>
/// <remarks>Called on the menu thread, except engine messages, which may come from any thread.</remarks>
public interface IScriptOutput
{
    /// <summary>A line from <c>print</c>.</summary>
    void Print(string script, string text);

    /// <summary>A line from <c>log.*</c> (script set) or from the engine (script null).</summary>
    void Log(LogLevel level, string? script, string message);
}

/// <summary>Severity of a log line.</summary>
public enum LogLevel
{
    /// <summary><c>log.info</c>.</summary>
    Info,

    /// <summary><c>log.warn</c>.</summary>
    Warn,

    /// <summary><c>log.error</c>, failed callbacks, failed plugins.</summary>
    Error,
}
