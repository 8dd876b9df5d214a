namespace PluginNet.Host.Plugins;

/// <summary>
/// What each script may reach, from the <c>permissions</c> section of <c>plugins.json</c>: hosts for
/// <c>net.http</c> and <c>net.ws</c>, ports for <c>net.ws_server:listen</c>. Without that section
/// every script may do everything.
/// </summary>
/// <param name="Default">Rules for scripts not named in <paramref name="Scripts"/>.</param>
/// <param name="Scripts">Rules per script file name (e.g. <c>dashboard.lua</c>).</param>
public sealed record NetPermissions(ScriptPermissions Default, IReadOnlyDictionary<string, ScriptPermissions> Scripts)
{
    /// <summary>Everything allowed.</summary>
    public static NetPermissions AllowAll { get; } = new(ScriptPermissions.AllowAll, new Dictionary<string, ScriptPermissions>());

    /// <summary>The rules for the script at <paramref name="scriptPath"/>.</summary>
    public ScriptPermissions For(string scriptPath) =>
        Scripts.TryGetValue(Path.GetFileName(scriptPath), out var rules) ? rules : Default;
}

/// <summary>One script's network rules. A null list allows everything; an empty list denies everything.</summary>
/// <param name="HttpHosts">Host patterns <c>net.http</c> may reach: <c>*</c>, <c>api.example.com</c> or <c>*.example.com</c>.</param>
/// <param name="WsHosts">Host patterns <c>net.ws</c> may connect to.</param>
/// <param name="ListenPorts">Ports <c>net.ws_server:listen</c> may bind; null for any.</param>
public sealed record ScriptPermissions(IReadOnlyList<string>? HttpHosts, IReadOnlyList<string>? WsHosts, IReadOnlyList<int>? ListenPorts)
{
    /// <summary>Everything allowed.</summary>
    public static ScriptPermissions AllowAll { get; } = new(null, null, null);

    /// <summary>Null when <c>net.http</c> may reach <paramref name="url"/>; otherwise the refusal, worded for the script.</summary>
    public string? CheckHttp(Uri url) => CheckHost(HttpHosts, url, "net.http", "http");

    /// <summary>Null when <c>net.ws</c> may connect to <paramref name="url"/>; otherwise the refusal.</summary>
    public string? CheckWs(Uri url) => CheckHost(WsHosts, url, "net.ws", "ws");

    /// <summary>Null when the script may listen on <paramref name="port"/>; otherwise the refusal.</summary>
    public string? CheckListen(int port) =>
        ListenPorts is null || ListenPorts.Contains(port)
            ? null
            : $"refused by a permission: this script may not listen on port {port} (plugins.json permissions allow {Describe(ListenPorts.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList())}); listen on an allowed port, or add {port} to the \"listen\" list there";

    private static string? CheckHost(IReadOnlyList<string>? patterns, Uri url, string api, string list) =>
        patterns is null || patterns.Any(p => Matches(p, url.Host))
            ? null
            : $"refused by a permission: {api} may not reach '{url.Host}' (plugins.json permissions allow {Describe(patterns)}); add the host to the \"{list}\" list there to allow it";

    private static bool Matches(string pattern, string host) =>
        pattern == "*"
        || string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase)
        || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase));

    private static string Describe(IReadOnlyList<string> allowed) => allowed.Count == 0 ? "nothing" : string.Join(", ", allowed);
}
