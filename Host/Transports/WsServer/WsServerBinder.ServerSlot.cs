using PluginNet.Core.Resources;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

// The state the binding keeps for one server: its transport server, ledger entry and opened clients.
internal sealed partial class WsServerBinder
{
    private sealed partial class Binding
    {
        private sealed class ServerSlot(Binding binding, long id)
        {
            public readonly Binding Binding = binding;
            public readonly long Id = id;

            /// <summary>
            /// Clients whose on_open the script has had and whose on_close it has not (menu thread): the one
            /// set client_count counts and send, broadcast and disconnect reach.
            /// </summary>
            public readonly HashSet<long> Opened = [];
            public IWebSocketServer? Server;
            public LedgerEntry? Entry;
            public int Port;

            /// <summary>ws://127.0.0.1:port and the ws_path when the script gave one (for observations).</summary>
            public string? Url;

            /// <summary>Opens the transport has reported that have not reached the script yet (any thread).</summary>
            public int OpensOnTheWay;
        }
    }
}
