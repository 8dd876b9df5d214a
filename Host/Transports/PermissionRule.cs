using System.Globalization;
using System.Text.Json;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>
/// One list of the <c>permissions</c> section of <c>plugins.json</c> (such as <c>"http": ["api.example.com"]</c>):
/// how it is read and what it allows. Each transport names its rule in its <see cref="TransportKind"/>.
/// </summary>
public abstract class PermissionRule
{
    private protected PermissionRule(string field) => Field = field;

    /// <summary>The <c>listen</c> list: ports a script may listen on or bind.</summary>
    public static PortListRule Listen { get; } = new("listen");

    /// <summary>The <c>private_addresses</c> list: loopback, link-local and private ranges a host name may resolve to for <c>net.http</c> and <c>net.ws</c>.</summary>
    public static AddressListRule PrivateAddresses { get; } = new("private_addresses");

    /// <summary>The <c>env</c> list: environment variables <c>os.getenv</c> may read.</summary>
    public static NameListRule Env { get; } = new("env");

    /// <summary>The <c>files</c> setting: <c>"all"</c> lifts a trusted script's <c>io</c>/<c>os</c> confinement.</summary>
    public static FilesRule Files { get; } = new("files");

    /// <summary>Every rule plugins.json knows: each transport's, then <c>env</c> and <c>files</c>.</summary>
    internal static IReadOnlyList<PermissionRule> All => [.. TransportKind.PermissionRules, Env, Files];

    /// <summary>The field's name in a script's rules, e.g. <c>http</c>.</summary>
    public string Field { get; }

    /// <summary>An example value for messages, e.g. <c>["api.example.com"]</c>.</summary>
    public abstract string Example { get; }

    /// <summary>Reads the JSON list; null with a problem (worded for plugins.json) when it is malformed.</summary>
    internal abstract IReadOnlyList<string>? Read(JsonElement list, out string problem);

    private protected static string Describe(IReadOnlyList<string> allowed) => allowed.Count == 0 ? "nothing" : string.Join(", ", allowed);
}

/// <summary>A list of host patterns: <c>*</c>, <c>api.example.com</c> or <c>*.example.com</c>.</summary>
/// <param name="field">The list's name in plugins.json.</param>
/// <param name="api">The Lua table it limits, e.g. <c>net.http</c>.</param>
public sealed class HostListRule(string field, string api) : PermissionRule(field)
{
    /// <inheritdoc />
    public override string Example => "[\"api.example.com\", \"*.example.com\"]";

    /// <summary>Null when <paramref name="host"/> is allowed; otherwise the refusal, worded for the script.</summary>
    /// <param name="permissions">The script's rules.</param>
    /// <param name="host">The host the script wants to reach.</param>
    /// <param name="allowedWhenUnlisted">Whether a script with no such list may reach any host.</param>
    public string? Check(ScriptPermissions permissions, string host, bool allowedWhenUnlisted = true)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        var patterns = permissions.List(Field);
        if (patterns is null)
        {
            return allowedWhenUnlisted
                ? null
                : $"refused by a permission: {api} may not reach '{host}' (only loopback addresses unless plugins.json permissions list it); add the host to the \"{Field}\" list there to allow it";
        }

        return patterns.Any(p => Matches(p, host))
            ? null
            : $"refused by a permission: {api} may not reach '{host}' (plugins.json permissions allow {Describe(patterns)}); add the host to the \"{Field}\" list there to allow it";
    }

    internal override IReadOnlyList<string>? Read(JsonElement list, out string problem)
    {
        problem = $"must be an array of host names such as {Example} ([] denies all)";
        return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(h => h.ValueKind == JsonValueKind.String)
            ? [.. list.EnumerateArray().Select(h => h.GetString()!)]
            : null;
    }

    private static bool Matches(string pattern, string host) =>
        pattern == "*"
        || string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase)
        || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase));
}

/// <summary>A list of ports (1-65535).</summary>
/// <param name="field">The list's name in plugins.json.</param>
public sealed class PortListRule(string field) : PermissionRule(field)
{
    /// <inheritdoc />
    public override string Example => "[8080]";

    /// <summary>Null when the script may use <paramref name="port"/>; otherwise the refusal.</summary>
    public string? Check(ScriptPermissions permissions, int port)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        var ports = permissions.List(Field);
        var text = port.ToString(CultureInfo.InvariantCulture);
        return ports is null || ports.Contains(text)
            ? null
            : $"refused by a permission: this script may not listen on port {port} (plugins.json permissions allow {Describe(ports)}); listen on an allowed port, or add {port} to the \"{Field}\" list there";
    }

    internal override IReadOnlyList<string>? Read(JsonElement list, out string problem)
    {
        problem = $"must be an array of ports (1-65535) such as {Example} ([] denies all)";
        return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(p => p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) && n is >= 1 and <= 65535)
            ? [.. list.EnumerateArray().Select(p => p.GetInt32().ToString(CultureInfo.InvariantCulture))]
            : null;
    }
}

/// <summary>
/// A list of address ranges: <c>*</c> (every loopback, link-local and private range), a CIDR range such
/// as <c>192.168.1.0/24</c>, or one address. Without it a host name that resolves to such an address is
/// refused (a URL naming the address itself, or <c>localhost</c>, is not affected).
/// </summary>
/// <param name="field">The list's name in plugins.json.</param>
public sealed class AddressListRule(string field) : PermissionRule(field)
{
    /// <inheritdoc />
    public override string Example => "[\"192.168.1.0/24\"]";

    internal override IReadOnlyList<string>? Read(JsonElement list, out string problem)
    {
        problem = $"must be an array of address ranges such as {Example}, [\"10.0.0.7\"] or [\"*\"] (every private range)";
        return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(r => r.ValueKind == JsonValueKind.String && AddressRules.IsRange(r.GetString()!))
            ? [.. list.EnumerateArray().Select(r => r.GetString()!)]
            : null;
    }
}

/// <summary>A list of names, e.g. environment variables (<c>["DISCORD_WEBHOOK_URL"]</c>); a missing list allows none.</summary>
/// <param name="field">The list's name in plugins.json.</param>
public sealed class NameListRule(string field) : PermissionRule(field)
{
    /// <inheritdoc />
    public override string Example => "[\"DISCORD_WEBHOOK_URL\"]";

    /// <summary>Whether <paramref name="name"/> is listed (exactly, case-sensitive as environment variables are).</summary>
    public bool Allows(ScriptPermissions permissions, string name)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return permissions.List(Field) is { } names && names.Contains(name, StringComparer.Ordinal);
    }

    internal override IReadOnlyList<string>? Read(JsonElement list, out string problem)
    {
        problem = $"must be an array of names such as {Example}";
        return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(n => n.ValueKind == JsonValueKind.String)
            ? [.. list.EnumerateArray().Select(n => n.GetString()!)]
            : null;
    }
}

/// <summary>Which files a script's <c>io</c> and <c>os</c> reach: <c>"own"</c> (the default: its folder, its data folder, the download folder) or <c>"all"</c>.</summary>
/// <param name="field">The setting's name in plugins.json.</param>
public sealed class FilesRule(string field) : PermissionRule(field)
{
    /// <inheritdoc />
    public override string Example => "\"all\"";

    /// <summary>Whether the script is trusted with every file the user can reach.</summary>
    public bool AllowsAll(ScriptPermissions permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return permissions.List(Field) is ["all"];
    }

    internal override IReadOnlyList<string>? Read(JsonElement list, out string problem)
    {
        problem = "must be \"own\" or \"all\"";
        return list.ValueKind == JsonValueKind.String && list.GetString() is "own" or "all" ? [list.GetString()!] : null;
    }
}
