namespace PluginNet.TestSupport;

/// <summary>Collects print and log lines from any thread, and lets a test wait for one.</summary>
public sealed class RecordingOutput : IScriptOutput
{
    private readonly Lock _gate = new();
    private readonly RecordedLines _prints;
    private readonly List<(LogLevel Level, string? Script, string Message)> _logs = [];

    public RecordingOutput() => _prints = new RecordedLines("print", () => Transcript);

    /// <summary>Lines printed so far.</summary>
    public IReadOnlyList<string> Prints => _prints.Lines;

    /// <summary>Log lines so far.</summary>
    public IReadOnlyList<(LogLevel Level, string? Script, string Message)> Logs
    {
        get
        {
            lock (_gate)
            {
                return [.. _logs];
            }
        }
    }

    /// <summary>Everything, for failure messages.</summary>
    public string Transcript =>
        string.Join('\n', Prints.Select(p => "print: " + p).Concat(Logs.Select(l => $"{l.Level}: {l.Script}: {l.Message}")));

    /// <inheritdoc />
    public void Print(string script, string text) => _prints.Add(text);

    /// <inheritdoc />
    public void Log(LogLevel level, string? script, string message)
    {
        lock (_gate)
        {
            _logs.Add((level, script, message));
        }
    }

    /// <summary>Completes with the first printed line (past or future) that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForPrintAsync(Func<string, bool> match, TimeSpan timeout) =>
        (await _prints.WaitForAsync(0, match, timeout)).Line;
}
