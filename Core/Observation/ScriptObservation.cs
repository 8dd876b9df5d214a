namespace PluginNet.Core.Observation;

/// <summary>What happened to a script.</summary>
public enum ScriptObservationKind
{
    /// <summary>Its top-level code ran to the end.</summary>
    Loaded,

    /// <summary>It could not be set up or its top-level code failed; it is not loaded.</summary>
    LoadFailed,

    /// <summary>It was torn down: its resources are being released.</summary>
    Unloaded,

    /// <summary>A callback or its top-level code raised an error; it stays loaded unless a later event says otherwise.</summary>
    Error,
}

/// <summary>One step in a script's life.</summary>
/// <param name="Script">The script's name (its file name).</param>
/// <param name="Kind">What happened.</param>
/// <param name="At">When it happened.</param>
public sealed record ScriptObservation(string Script, ScriptObservationKind Kind, DateTimeOffset At)
{
    /// <summary>
    /// The script's scope (its path and its resource ledger) on <see cref="ScriptObservationKind.Loaded"/>:
    /// an inspector lists the open resources of a loaded script with <c>Scope.Ledger.Snapshot()</c>.
    /// </summary>
    public PluginNet.Core.Resources.ScriptScope? Scope { get; init; }

    /// <summary>The error message of <see cref="ScriptObservationKind.Error"/> and <see cref="ScriptObservationKind.LoadFailed"/>, with script and line.</summary>
    public string? Message { get; init; }

    /// <summary>The Lua traceback of an error, when there is one.</summary>
    public string? Traceback { get; init; }
}
