using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

// The event sink of one server: the transport's reports, posted to the menu thread as binding events.
internal sealed partial class WsServerBinder
{
    private sealed partial class Binding
    {
        /// <summary>What one server reports, handed to the menu thread as it comes (plugin threads).</summary>
        private sealed class ServerEvents(Binding binding, ServerSlot slot) : IWebSocketServerEvents, IHttpServerEvents
        {
            // A plugin written before handshakes were reported: on_open gets an empty req.
            public void OnOpen(long client) => Opened(client, null);

            public void OnOpen(long client, IncomingRequest handshake) => Opened(client, handshake);

            private void Opened(long client, IncomingRequest? handshake)
            {
                Interlocked.Increment(ref slot.OpensOnTheWay);
                binding.Post(slot.Id, Open, client, null, null, 0, handshake);
            }

            public void OnMessage(long client, byte[] payload, bool isText) => binding.PostMessage(slot, client, payload);

            public void OnError(long client, string message) => binding.Post(slot.Id, Error, client, null, message, 0);

            public void OnClose(long client, int code, string reason) => binding.Post(slot.Id, Close, client, null, reason, code);

            public void OnRequest(long route, IncomingRequest request, IHttpResponse response) =>
                binding.PostRequest(slot.Id, route, request, response);
        }
    }
}
