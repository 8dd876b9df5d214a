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
}

/// <summary>One step in a script's life.</summary>
/// <param name="Script">The script's name (its file name).</param>
/// <param name="Kind">What happened.</param>
/// <param name="At">When it happened.</param>
public sealed record ScriptObservation(string Script, ScriptObservationKind Kind, DateTimeOffset At);
