using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Tasks;

/// <summary>Runs one task-style script in a real engine until it unloads itself (bounded).</summary>
internal static class TaskRun
{
    public static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    public static Task<RecordingOutput> ToEndAsync(string code) =>
        EngineRunner.RunToEndAsync(code, Within, requireUnloaded: false);

    /// <summary>The error log lines.</summary>
    public static string[] Errors(RecordingOutput output) =>
        [.. output.Logs.Where(l => l.Level == LogLevel.Error).Select(l => l.Message)];
}
