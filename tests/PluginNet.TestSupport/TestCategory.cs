namespace PluginNet.TestSupport;

/// <summary>
/// The xUnit trait that sorts tests into categories: <c>[Trait(TestCategory.Name, TestCategory.Load)]</c>.
/// </summary>
public static class TestCategory
{
    /// <summary>The trait's name, as <c>dotnet test --filter Category=...</c> reads it.</summary>
    public const string Name = "Category";

    /// <summary>
    /// Measures of speed and resources (frame rate, stalls, latency, thread counts): they report their
    /// figures and run in the benchmark command (<c>bench/run.sh load</c>, docs/BENCHMARKS.md), never in
    /// the normal test command, where a busy machine could fail them although nothing regressed.
    /// </summary>
    public const string Load = "Load";
}
