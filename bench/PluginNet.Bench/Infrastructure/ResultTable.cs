namespace PluginNet.Bench.Infrastructure;

/// <summary>One line of the results table.</summary>
/// <param name="Measure">What was measured.</param>
/// <param name="Ours">PluginNet's figure, with its unit.</param>
/// <param name="Peer">The peer's figure in the same run, with its unit (or "—").</param>
/// <param name="Ratio">Ours relative to the peer (or "—").</param>
/// <param name="Target">The target from the issue.</param>
/// <param name="Met">Whether the target is met.</param>
internal sealed record ResultRow(string Measure, string Ours, string Peer, string Ratio, string Target, bool Met);

/// <summary>The rows of one harness run, printed as a Markdown table at the end.</summary>
internal sealed class ResultTable
{
    private readonly List<ResultRow> _rows = [];

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  => {row.Measure}: ours {row.Ours}, peer {row.Peer}, ratio {row.Ratio}, target {row.Target}: {(row.Met ? "met" : "NOT met")}");
    }

    public string ToMarkdown()
    {
        var lines = new List<string>
        {
            "| measure | PluginNet | peer | ratio | target | met |",
            "|---|---|---|---|---|---|",
        };
        lines.AddRange(_rows.Select(r => $"| {r.Measure} | {r.Ours} | {r.Peer} | {r.Ratio} | {r.Target} | {(r.Met ? "yes" : "**no**")} |"));
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>How long a harness run is.</summary>
/// <param name="Runs">Repetitions of each measure (ours and the peer alternate); the median is reported.</param>
/// <param name="Smoke">A tiny run that only proves every job works (counts cut down, no timing worth reading).</param>
/// <param name="OursOnly">Skip the peers (for profiling PluginNet's side alone); ratios are then not computed.</param>
internal sealed record BenchSettings(int Runs, bool Smoke, bool OursOnly = false)
{
    /// <summary><paramref name="full"/> normally, <paramref name="smoke"/> in a smoke run.</summary>
    public int Count(int full, int smoke) => Smoke ? smoke : full;
}
