namespace PluginNet.TestSupport;

/// <summary>
/// Lines added from any thread, kept in order, with bounded waits for a line that matches: one
/// already recorded or one still to come.
/// </summary>
public sealed class RecordedLines
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(int From, Func<string, bool> Match, TaskCompletionSource<(string, int)> Done)> _waiters = [];
    private readonly string _what;
    private readonly Func<string> _transcript;

    /// <param name="what">What a line is, for the timeout message (e.g. "print").</param>
    /// <param name="transcript">The owner's whole output, for the timeout message.</param>
    public RecordedLines(string what, Func<string> transcript)
    {
        _what = what;
        _transcript = transcript;
    }

    /// <summary>The lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Records <paramref name="line"/> and completes the waits it matches.</summary>
    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            var index = _lines.Count - 1;
            foreach (var waiter in _waiters.Where(w => index >= w.From && w.Match(line)).ToList())
            {
                waiter.Done.TrySetResult((line, index));
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>
    /// The first line at or after line number <paramref name="from"/> (0-based) that
    /// <paramref name="match"/> accepts, with its line number; a <see cref="TimeoutException"/>
    /// carrying the transcript when none comes within <paramref name="timeout"/>.
    /// </summary>
    public async Task<(string Line, int Index)> WaitForAsync(int from, Func<string, bool> match, TimeSpan timeout)
    {
        TaskCompletionSource<(string, int)> done;
        lock (_gate)
        {
            for (var i = from; i < _lines.Count; i++)
            {
                if (match(_lines[i]))
                {
                    return (_lines[i], i);
                }
            }

            done = new TaskCompletionSource<(string, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((from, match, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no matching {_what} within {timeout.TotalSeconds} s. Transcript:\n{_transcript()}");
        }
    }
}
