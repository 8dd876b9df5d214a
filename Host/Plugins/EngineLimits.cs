namespace PluginNet.Host.Plugins;

/// <summary>The <c>limits.engine</c> section of <c>plugins.json</c>: how long the menu thread spends on scripts.</summary>
/// <param name="CallbackBudgetMs">Milliseconds per frame for network callbacks (<c>callback_budget_ms</c>).</param>
/// <param name="CallbackTimeLimitMs">Milliseconds one callback may run before it is aborted (<c>callback_time_limit_ms</c>).</param>
public sealed record EngineLimits(int CallbackBudgetMs = 4, int CallbackTimeLimitMs = 250)
{
    /// <summary>The values used when <c>plugins.json</c> gives none.</summary>
    public static EngineLimits Defaults { get; } = new();
}
