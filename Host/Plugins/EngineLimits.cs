namespace PluginNet.Host.Plugins;

/// <summary>The <c>limits.engine</c> section of <c>plugins.json</c>: how long the menu thread spends on scripts.</summary>
/// <param name="CallbackBudgetMs">Milliseconds per frame for network callbacks (<c>callback_budget_ms</c>).</param>
/// <param name="CallbackTimeLimitMs">Milliseconds one callback may run before it is aborted (<c>callback_time_limit_ms</c>).</param>
/// <param name="MaxScriptMemoryBytes">Lua memory one script may hold (<c>max_script_memory_bytes</c>).</param>
/// <param name="MaxPatternSteps">Steps one call of a pattern function may take (<c>max_pattern_steps</c>).</param>
public sealed record EngineLimits(int CallbackBudgetMs = 4, int CallbackTimeLimitMs = 250, long MaxScriptMemoryBytes = EngineLimits.DefaultMaxScriptMemoryBytes, long MaxPatternSteps = EngineLimits.DefaultMaxPatternSteps)
{
    /// <summary>50 million: the default step budget of one string.find/match/gmatch/gsub call (a quarter to half a second).</summary>
    public const long DefaultMaxPatternSteps = 50_000_000;

    /// <summary>256 MiB: the default Lua memory limit of one script.</summary>
    public const long DefaultMaxScriptMemoryBytes = 256L * 1024 * 1024;

    /// <summary>The values used when <c>plugins.json</c> gives none.</summary>
    public static EngineLimits Defaults { get; } = new();
}
