using System.Collections.Concurrent;
using PluginNet.Core.Transports;
using RestSharp;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// One RestSharp client (so one connection pool) per set of <see cref="ConnectionRules"/> the host uses,
/// so a connection made under one script's rules is never reused by a script with other rules. The host
/// reuses its rule objects, so there are as many clients as distinct rule sets in plugins.json.
/// </summary>
internal sealed class ClientsByRules(Func<Func<HttpMessageHandler, HttpMessageHandler>, RestClient> create) : IDisposable
{
    private readonly ConcurrentDictionary<ConnectionRules, Lazy<RestClient>> _clients = new();
    private readonly Lazy<RestClient> _unchecked = new(() => create(inner => ConnectingHandler.Create(inner, null)));

    /// <summary>The client for <paramref name="rules"/>; the plain one (system defaults, no address or TLS checks) for null.</summary>
    public RestClient For(ConnectionRules? rules) =>
        rules is null
            ? _unchecked.Value
            : _clients.GetOrAdd(rules, r => new Lazy<RestClient>(() => create(inner => ConnectingHandler.Create(inner, r)))).Value;

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        if (_unchecked.IsValueCreated)
        {
            _unchecked.Value.Dispose();
        }
    }
}
