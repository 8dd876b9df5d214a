namespace PluginNet.Core.Resources;

/// <summary>
/// The identity of one loaded script as far as Core is concerned: a name for messages, a flag that
/// says whether it is still loaded, and the ledger of what it holds.
/// </summary>
/// <remarks>Work posted for a scope that has ended is dropped by the dispatcher, never run.</remarks>
public sealed class ScriptScope
{
    private int _ended;

    /// <summary>Creates the scope of the script at <paramref name="scriptPath"/>.</summary>
    public ScriptScope(string scriptPath)
    {
        ScriptPath = scriptPath;
        Ledger = new ResourceLedger(this);
    }

    /// <summary>Absolute path of the script file.</summary>
    public string ScriptPath { get; }

    /// <summary>Short name for messages: the file name.</summary>
    public string Name => Path.GetFileName(ScriptPath);

    /// <summary>Everything this script holds.</summary>
    public ResourceLedger Ledger { get; }

    /// <summary>False once the script has started unloading; from then on nothing calls into it.</summary>
    public bool IsActive => Volatile.Read(ref _ended) == 0;

    /// <summary>Marks the script as gone. Returns true for the first call only.</summary>
    public bool End() => Interlocked.Exchange(ref _ended, 1) == 0;

    /// <inheritdoc />
    public override string ToString() => Name;
}
