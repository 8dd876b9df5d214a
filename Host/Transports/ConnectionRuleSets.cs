using System.Net;
using System.Runtime.CompilerServices;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>
/// The <see cref="ConnectionRules"/> handed to the HTTP and WebSocket client plugins with every request:
/// the <c>tls</c> section of plugins.json and the script's <c>private_addresses</c> list. One instance per
/// script rules (while the TLS section is the same), so a plugin's pool per rule set stays small.
/// </summary>
/// <param name="tls">The current TLS rules.</param>
/// <param name="resolver">Turns host names into addresses; null for the system resolver.</param>
internal sealed class ConnectionRuleSets(Func<TlsRules> tls, Func<string, CancellationToken, Task<IPAddress[]>>? resolver)
{
    private readonly ConditionalWeakTable<ScriptPermissions, ConnectionRules> _sets = [];

    /// <summary>The rules for a script with <paramref name="permissions"/>.</summary>
    public ConnectionRules For(ScriptPermissions permissions)
    {
        var current = tls();
        if (_sets.TryGetValue(permissions, out var rules) && ReferenceEquals(rules.Tls, current))
        {
            return rules;
        }

        rules = new ConnectionRules(current, new AddressRules(permissions.List(PermissionRule.PrivateAddresses.Field) ?? [], resolver));
        _sets.AddOrUpdate(permissions, rules);
        return rules;
    }
}
