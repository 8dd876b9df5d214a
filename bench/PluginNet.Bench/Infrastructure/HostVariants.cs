namespace PluginNet.Bench.Infrastructure;

/// <summary>
/// The variants of a <c>pluginnet</c> process that footprint and cold-start measure beside the shipped
/// one: without plugins (an empty plugins.json), and with the runtime switches that might save memory
/// or start-up time, each set by an environment variable.
/// </summary>
internal static class HostVariants
{
    /// <summary>Runtime switches both jobs try: W^X off and invariant globalization (no ICU).</summary>
    public static IReadOnlyList<(string Name, Dictionary<string, string> Environment)> RuntimeSwitches { get; } =
    [
        ("W^X off (DOTNET_EnableWriteXorExecute=0)", new() { ["DOTNET_EnableWriteXorExecute"] = "0" }),
        ("invariant globalization (no ICU)", new() { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1" }),
    ];

    /// <summary>The name of the no-plugins variant, as the results table shows it.</summary>
    public const string NoPluginsName = "no plugins (an empty plugins.json)";

    /// <summary>Writes a plugins.json that loads nothing, in the temporary folder; the caller deletes it.</summary>
    public static async Task<string> WriteEmptyPluginsJsonAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "plugins": [] }""");
        return path;
    }
}
