namespace PluginNet.Host.Output;

/// <summary>The command line's output: <c>print</c> to standard output, logs to standard error.</summary>
public sealed class ConsoleScriptOutput : IScriptOutput
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public void Print(string script, string text)
    {
        lock (_gate)
        {
            Console.Out.WriteLine(text);
            Console.Out.Flush();
        }
    }

    /// <inheritdoc />
    public void Log(LogLevel level, string? script, string message)
    {
        var tag = level switch { LogLevel.Info => "info", LogLevel.Warn => "warn", _ => "error" };
        lock (_gate)
        {
            Console.Error.WriteLine(script is null ? $"[{tag}] {message}" : $"[{tag}] {script}: {message}");
        }
    }
}
