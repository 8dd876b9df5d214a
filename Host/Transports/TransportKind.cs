using PluginNet.Host.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// One transport, described once: its plugin contract, its <c>plugins.json</c> key, its Lua binder and
/// glue, its permission rule and its status line. Plugin loading, <c>plugins.json</c>, permissions,
/// the console and the engine iterate <see cref="All"/>; nothing else names a transport.
/// </summary>
public abstract class TransportKind
{
    private protected TransportKind(string key, Type contract, string defaultPlugin, PermissionRule permission)
    {
        Key = key;
        Contract = contract;
        DefaultPlugin = defaultPlugin;
        Permission = permission;
    }

    /// <summary><c>net.http</c>, key <c>http</c>.</summary>
    public static HttpTransportKind Http { get; } = new();

    /// <summary><c>net.ws</c>, key <c>ws</c>.</summary>
    public static WsTransportKind WebSocketClient { get; } = new();

    /// <summary><c>net.ws_server</c>, key <c>ws_server</c>.</summary>
    public static WsServerTransportKind WebSocketServer { get; } = new();

    /// <summary><c>net.udp</c>, key <c>udp</c>.</summary>
    public static UdpTransportKind Udp { get; } = new();

    /// <summary>Every transport the host knows, in the order <c>net</c> installs them.</summary>
    public static IReadOnlyList<TransportKind> All { get; } = [Http, WebSocketClient, WebSocketServer, Udp];

    /// <summary>The permission lists of <c>plugins.json</c>: each transport's, once, and the private address ranges (<c>net.http</c> and <c>net.ws</c>).</summary>
    public static IReadOnlyList<PermissionRule> PermissionRules { get; } = [.. All.Select(k => k.Permission).Distinct(), PermissionRule.PrivateAddresses];

    /// <summary>The keys of <see cref="All"/> for messages, e.g. <c>http, ws or ws_server</c>.</summary>
    public static string KeyList(string conjunction) => Join(All.Select(k => k.Key), conjunction);

    /// <summary>The <c>plugins.json</c> key and the part of <c>net</c>: <c>http</c>, <c>ws</c>, ...</summary>
    public string Key { get; }

    /// <summary>The Core contract a plugin exports to serve this transport.</summary>
    public Type Contract { get; }

    /// <summary>The Lua table scripts use, e.g. <c>net.http</c>.</summary>
    public string LuaName => "net." + Key;

    /// <summary>The embedded glue chunk (<c>Lua/Glue/KEY.lua</c>) that checks arguments and keeps callbacks.</summary>
    public string GlueFile => Key;

    /// <summary>The plugin of this repository that serves it, named in the "no plugin provides" advice.</summary>
    public string DefaultPlugin { get; }

    /// <summary>The <c>permissions</c> list of <c>plugins.json</c> that limits what scripts reach with it.</summary>
    public PermissionRule Permission { get; }

    /// <summary>The message a script gets when no plugin serves this transport.</summary>
    public string NoProviderMessage =>
        $"no plugin provides the {Key} transport; enable one that serves {Key} in plugins.json (the {DefaultPlugin} plugin does) or load it with the console's `plugin load NAME`, then call again";

    /// <summary>The console's line for this transport: which plugin serves it.</summary>
    public string StatusLine(string? provider) => $"{LuaName} -> {provider ?? "(none)"}";

    /// <summary>Finds the transport with <c>plugins.json</c> key <paramref name="key"/>.</summary>
    public static bool TryParse(string key, out TransportKind kind)
    {
        kind = All.FirstOrDefault(k => k.Key == key)!;
        return kind is not null;
    }

    /// <summary>The transport whose contract is <paramref name="contract"/>, or null.</summary>
    public static TransportKind? ForContract(Type contract) => All.FirstOrDefault(k => k.Contract == contract);

    /// <inheritdoc />
    public override string ToString() => Key;

    /// <summary>Joins words as a sentence does: <c>a, b or c</c>.</summary>
    internal static string Join(IEnumerable<string> words, string conjunction)
    {
        var list = words.ToList();
        return list.Count < 2 ? string.Concat(list) : string.Join(", ", list.SkipLast(1)) + $" {conjunction} " + list[^1];
    }

    /// <summary>Creates this transport's binder, installed into every new script.</summary>
    internal abstract IScriptModule CreateBinder(NetServices net);

    /// <summary>Wraps a transport with the plugin that serves it, typed by the contract.</summary>
    internal abstract object Provide(string pluginName, object transport);

    /// <summary>Called after the registry picked a provider, to connect transports that wrap others.</summary>
    internal virtual void Wire(IReadOnlyList<ITransportSource> plugins, object? serving)
    {
    }
}

/// <summary>A transport kind whose plugins export <typeparamref name="TContract"/>.</summary>
/// <typeparam name="TContract">The Core contract.</typeparam>
public abstract class TransportKind<TContract> : TransportKind
    where TContract : class
{
    private protected TransportKind(string key, string defaultPlugin, PermissionRule permission)
        : base(key, typeof(TContract), defaultPlugin, permission)
    {
    }

    internal override object Provide(string pluginName, object transport) =>
        new TransportProvider<TContract>(pluginName, (TContract)transport);
}
