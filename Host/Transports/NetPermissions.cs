namespace PluginNet.Host.Transports;

/// <summary>
/// What each script may reach, from the <c>permissions</c> section of <c>plugins.json</c>: one list per
/// <see cref="PermissionRule"/> (hosts for <c>net.http</c> and <c>net.ws</c>, ports for listening, ...).
/// Without that section every script may do everything its transports allow by default.
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

/// <summary>One script's network rules: a list per <see cref="PermissionRule.Field"/>. A missing list allows what the transport allows by default; an empty list denies everything.</summary>
public sealed class ScriptPermissions
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _lists;

    /// <summary>Rules from the lists given per field (e.g. <c>http</c>, <c>listen</c>).</summary>
    public ScriptPermissions(IReadOnlyDictionary<string, IReadOnlyList<string>> lists) => _lists = lists;

    /// <summary>Rules for the seed's three transports.</summary>
    /// <param name="httpHosts">Host patterns <c>net.http</c> may reach; null for any.</param>
    /// <param name="wsHosts">Host patterns <c>net.ws</c> may connect to; null for any.</param>
    /// <param name="listenPorts">Ports <c>net.ws_server:listen</c> may bind; null for any.</param>
    public ScriptPermissions(IReadOnlyList<string>? httpHosts, IReadOnlyList<string>? wsHosts, IReadOnlyList<int>? listenPorts)
    {
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (httpHosts is not null)
        {
            lists[TransportKind.Http.Permission.Field] = httpHosts;
        }

        if (wsHosts is not null)
        {
            lists[TransportKind.WebSocketClient.Permission.Field] = wsHosts;
        }

        if (listenPorts is not null)
        {
            lists[PermissionRule.Listen.Field] = [.. listenPorts.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        }

        _lists = lists;
    }

    /// <summary>Nothing listed: each transport's default applies.</summary>
    public static ScriptPermissions AllowAll { get; } = new(new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>The list named <paramref name="field"/>, or null when the rules do not have it.</summary>
    public IReadOnlyList<string>? List(string field) => _lists.TryGetValue(field, out var list) ? list : null;

    /// <summary>Null when <c>net.http</c> may reach <paramref name="url"/>; otherwise the refusal, worded for the script.</summary>
    public string? CheckHttp(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return TransportKind.Http.Hosts.Check(this, url.Host);
    }
}
