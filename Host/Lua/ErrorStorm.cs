namespace PluginNet.Host.Lua;

/// <summary>
/// Keeps a callback that fails every frame from flooding the log: the first occurrence of an error
/// is logged, identical ones within the window are only counted, and a summary line says how many.
/// </summary>
internal sealed class ErrorStorm(TimeSpan window)
{
    private const int MaxTracked = 64;
    private readonly Dictionary<string, (DateTime First, int Repeats)> _recent = new(StringComparer.Ordinal);
    private readonly List<string> _evicted = []; // summaries of errors forgotten early to make room

    /// <summary>True when <paramref name="message"/> should be logged now; false when it is a repeat to count.</summary>
    public bool ShouldLog(string message, DateTime now)
    {
        // Past the window but with repeats not yet summarised (summaries are taken once per frame, and one
        // frame's callbacks can run past the window's end): counted into that summary, so none is lost.
        if (_recent.TryGetValue(message, out var seen) && (now - seen.First < window || seen.Repeats > 0))
        {
            _recent[message] = (seen.First, seen.Repeats + 1);
            return false;
        }

        if (_recent.Count >= MaxTracked)
        {
            var (oldest, (first, repeats)) = _recent.MinBy(e => e.Value.First);
            _recent.Remove(oldest);
            if (repeats > 0)
            {
                _evicted.Add(Summary(oldest, repeats, now - first));
            }
        }

        _recent[message] = (now, 0);
        return true;
    }

    /// <summary>Summary lines for errors whose window has passed (or all, when <paramref name="force"/>).</summary>
    public List<string> TakeSummaries(DateTime now, bool force)
    {
        var lines = new List<string>(_evicted);
        _evicted.Clear();
        foreach (var (message, (first, repeats)) in _recent.ToList())
        {
            if (!force && now - first < window)
            {
                continue;
            }

            _recent.Remove(message);
            if (repeats > 0)
            {
                lines.Add(Summary(message, repeats, now - first));
            }
        }

        return lines;
    }

    private static string Summary(string message, int repeats, TimeSpan over)
    {
        var firstLine = message.IndexOf('\n') is var n and >= 0 ? message[..n] : message;
        return $"the error \"{firstLine}\" repeated {repeats} more time{(repeats == 1 ? "" : "s")} in {over.TotalSeconds:0.#} s";
    }
}
