using PluginNet.Core.Plugins;

namespace PluginNet.Plugins.Replay.Internal;

internal enum ReplayMode
{
    Replay,
    Record,
}

/// <summary>The plugin's settings from <c>plugins.json</c>, checked.</summary>
internal sealed record ReplaySettings(ReplayMode Mode, string Folder)
{
    public const string ModeKey = "mode";
    public const string CassettesKey = "cassettes";
    public const string DefaultFolder = "cassettes";

    /// <summary>Before <see cref="Parse"/> is called: replay from <c>cassettes/</c> in the current folder.</summary>
    public static ReplaySettings Default => new(ReplayMode.Replay, Path.GetFullPath(DefaultFolder));

    /// <exception cref="ArgumentException">A setting is unknown or has a wrong value; the message says which and why.</exception>
    public static ReplaySettings Parse(PluginSettings settings)
    {
        foreach (var key in settings.Values.Keys)
        {
            if (key is not (ModeKey or CassettesKey))
            {
                throw new ArgumentException($"unknown setting '{key}' (known: {ModeKey}, {CassettesKey})");
            }
        }

        var modeText = settings.Get(ModeKey, "replay");
        ReplayMode mode;
        if (string.Equals(modeText, "replay", StringComparison.OrdinalIgnoreCase))
        {
            mode = ReplayMode.Replay;
        }
        else if (string.Equals(modeText, "record", StringComparison.OrdinalIgnoreCase))
        {
            mode = ReplayMode.Record;
        }
        else
        {
            throw new ArgumentException($"setting '{ModeKey}' must be \"replay\" or \"record\", not \"{modeText}\"");
        }

        var folderText = settings.Get(CassettesKey, DefaultFolder);
        if (string.IsNullOrWhiteSpace(folderText))
        {
            throw new ArgumentException($"setting '{CassettesKey}' must name a folder (relative to plugins.json), not an empty string");
        }

        try
        {
            return new ReplaySettings(mode, settings.GetPath(CassettesKey, DefaultFolder));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"setting '{CassettesKey}' (\"{folderText}\") is not a valid folder path: {ex.Message}", ex);
        }
    }
}
