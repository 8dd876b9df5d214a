namespace PluginNet.Host.Tests;

/// <summary>
/// Tests that measure the process (heap, threads, file descriptors) run alone, after the parallel
/// ones, so other tests' allocations and threads do not blur what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAloneCollection
{
    public const string Name = "measured alone";
}
