using PluginNet.Host.Engine;

namespace PluginNet.TestSupport;

/// <summary>Collects print and log lines from any thread, and lets a test wait for one.</summary>
public sealed class RecordingOutput : IScriptOutput
{
    private readonly Lock _gate = new();
    private readonly List<string> _prints = [];
    private readonly List<(LogLevel Level, string? Script, string Message)> _logs = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

    /// <summary>Lines printed so far.</summary>
    public IReadOnlyList<string> Prints
    {
        get
        {
            lock (_gate)
            {
                return [.. _prints];
            }
        }
    }

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
    public string Transcript
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _prints.Select(p => "print: " + p).Concat(_logs.Select(l => $"{l.Level}: {l.Script}: {l.Message}")));
            }
        }
    }

    /// <inheritdoc />
    public void Print(string script, string text)
    {
        lock (_gate)
        {
            _prints.Add(text);
            foreach (var waiter in _waiters.Where(w => w.Match(text)).ToList())
            {
                waiter.Done.TrySetResult(text);
                _waiters.Remove(waiter);
            }
        }
    }

    /// <inheritdoc />
    public void Log(LogLevel level, string? script, string message)
    {
        lock (_gate)
        {
            _logs.Add((level, script, message));
        }
    }

    /// <summary>Completes with the first printed line (past or future) that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForPrintAsync(Func<string, bool> match, TimeSpan timeout)
    {
        TaskCompletionSource<string> done;
        lock (_gate)
        {
            var existing = _prints.FirstOrDefault(match);
            if (existing is not null)
            {
                return existing;
            }

            done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no matching print within {timeout.TotalSeconds} s. Transcript:\n{Transcript}");
        }
    }
}
