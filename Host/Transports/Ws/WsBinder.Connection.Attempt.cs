using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

// What one transport connection of a script connection reports, on the transport's threads.
internal sealed partial class WsBinder
{
    private sealed partial class Binding
    {
        private sealed partial class Connection
        {
            /// <summary>What one transport connection reports (its own threads): only posted to the menu thread.</summary>
            private sealed class Attempt(Connection connection) : IWebSocketEvents
            {
                private static readonly Action<object?, object?, long> DeliverMessage =
                    static (attempt, payload, isText) => ((Attempt)attempt!).Connection.Owner.DeliverMessage(((Attempt)attempt!).Connection.Id, (byte[])payload!, isText != 0);

                public Connection Connection { get; } = connection;

                public IWebSocketConnection? Transport { get; set; }

                /// <summary>True once this connection reported an error (read on the menu thread after its close).</summary>
                public bool HadError { get; private set; }

                public void OnOpen() => OnOpen(null!);

                public void OnOpen(WebSocketOpenInfo info) => Connection.Owner.Post(() => Connection.Opening(this, info));

                public void OnMessage(byte[] payload, bool isText) => Connection.Owner.Post(DeliverMessage, this, payload, isText ? 1 : 0);

                public void OnError(string message)
                {
                    HadError = true;
                    Connection.Owner.Post(() => Connection.Failing(this, message));
                }

                public void OnClose(int code, string reason)
                {
                    if (!Connection.Reconnects)
                    {
                        // Without reconnect this is the end: out of the ledger at once, as before.
                        Connection.Owner.Untrack(Connection._entry);
                    }

                    Connection.Owner.Post(() => Connection.Closing(this, code, reason));
                }
            }
        }
    }
}
