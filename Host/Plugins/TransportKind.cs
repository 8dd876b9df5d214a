namespace PluginNet.Host.Plugins;

/// <summary>The transports a plugin can serve, by the key <c>plugins.json</c> uses for them.</summary>
public enum TransportKind
{
    /// <summary><c>net.http</c>, key <c>http</c>.</summary>
    Http,

    /// <summary><c>net.ws</c>, key <c>ws</c>.</summary>
    WebSocketClient,

    /// <summary><c>net.ws_server</c>, key <c>ws_server</c>.</summary>
    WebSocketServer,
}

/// <summary>Names of the transports as scripts and <c>plugins.json</c> see them.</summary>
public static class TransportKinds
{
    /// <summary>The <c>plugins.json</c> key of <paramref name="kind"/>.</summary>
    public static string Key(this TransportKind kind) => kind switch
    {
        TransportKind.Http => "http",
        TransportKind.WebSocketClient => "ws",
        _ => "ws_server",
    };

    /// <summary>The Lua table that uses <paramref name="kind"/>, e.g. <c>net.http</c>.</summary>
    public static string LuaName(this TransportKind kind) => "net." + kind.Key();

    /// <summary>Parses a <c>plugins.json</c> key.</summary>
    public static bool TryParse(string key, out TransportKind kind)
    {
        foreach (var candidate in Enum.GetValues<TransportKind>())
        {
            if (candidate.Key() == key)
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
