using System.Text.Json;
using PluginNet.Core.Transports;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>The contents of <c>plugins.json</c>: which plugin folders to load and which one serves each transport.</summary>
/// <param name="FilePath">Absolute path of the file read (plugin paths are relative to its folder).</param>
/// <param name="Plugins">Plugins to load at start-up, in order.</param>
/// <param name="Transports">Chosen plugin per transport; a transport not named goes to the first plugin that serves it.</param>
/// <param name="AllowedOrigins">Extra WebSocket server origins accepted besides none, null and localhost.</param>
/// <param name="Permissions">What each script may reach over the network.</param>
public sealed record PluginConfig(
    string FilePath,
    IReadOnlyList<PluginEntry> Plugins,
    IReadOnlyDictionary<TransportKind, string> Transports,
    IReadOnlyList<string> AllowedOrigins,
    NetPermissions Permissions)
{
    /// <summary>The folder plugin paths are relative to.</summary>
    public string BaseDirectory => Path.GetDirectoryName(FilePath)!;

    /// <summary>The <c>limits</c> section; every area at its default when absent.</summary>
    public ConfigLimits Limits { get; init; } = ConfigLimits.Defaults;

    /// <summary>The <c>tls</c> section: extra trusted authorities, pins and the minimum TLS version for <c>net.http</c> and <c>net.ws</c>; the system's defaults when absent.</summary>
    public TlsRules Tls { get; init; } = TlsRules.SystemDefault;

    /// <summary>Reads and checks <paramref name="path"/>; every problem names the file, the field and what is wrong.</summary>
    /// <exception cref="PluginConfigException">The file is missing, is not JSON, or a field is wrong.</exception>
    public static PluginConfig Load(string path)
    {
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PluginConfigException(full, "", $"cannot read the file: {ex.Message}");
        }

        return Parse(full, text);
    }

    /// <summary>Parses <paramref name="json"/> as if read from <paramref name="filePath"/>.</summary>
    public static PluginConfig Parse(string filePath, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new PluginConfigException(filePath, "", $"not valid JSON (line {ex.LineNumber + 1}): {ex.Message}");
        }

        using (document)
        {
            return new PluginConfigReader(filePath).Read(document.RootElement);
        }
    }
}

/// <summary>One plugin to load.</summary>
/// <param name="Name">Name used in <c>transports</c>, logs and the console.</param>
/// <param name="AssemblyPath">Absolute path of the plugin's main assembly.</param>
/// <param name="Enabled">False to list a plugin without loading it at start-up.</param>
/// <param name="Settings">The entry's <c>settings</c> object as flat strings (empty when absent).</param>
/// <param name="SettingsDirectory">Folder that relative paths in <paramref name="Settings"/> are relative to (that of plugins.json).</param>
public sealed record PluginEntry(
    string Name,
    string AssemblyPath,
    bool Enabled = true,
    IReadOnlyDictionary<string, string>? Settings = null,
    string? SettingsDirectory = null);

/// <summary>A problem in <c>plugins.json</c>, with the file and the field (JSON path) it concerns.</summary>
public sealed class PluginConfigException(string filePath, string field, string problem)
    : Exception(field.Length == 0 ? $"{filePath}: {problem}" : $"{filePath}: {field}: {problem}")
{
    /// <summary>The file that was read.</summary>
    public string FilePath { get; } = filePath;

    /// <summary>JSON path of the offending field, e.g. <c>plugins[1].path</c>; empty for the whole file.</summary>
    public string Field { get; } = field;
}
