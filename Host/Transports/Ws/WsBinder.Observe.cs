using PluginNet.Core.Observation;
using PluginNet.Host.Lua;

namespace PluginNet.Host.Transports;

// What net.ws tells an attached observer (EngineOptions.Observer): one null check when nobody watches.
internal sealed partial class WsBinder
{
    private sealed partial class Binding
    {
        private void Observe(
            long id,
            WebSocketObservationKind kind,
            string? url = null,
            ReadOnlyMemory<byte> payload = default,
            bool binary = false,
            int? closeCode = null,
            string? closeReason = null,
            string? error = null)
        {
            if (Net.Observer is { } observer)
            {
                observer.OnWebSocket(new WebSocketObservation(Script.Scope.Name, WebSocketSide.Client, id, kind, DateTimeOffset.UtcNow)
                {
                    Url = url,
                    Payload = payload,
                    Binary = binary,
                    CloseCode = closeCode,
                    CloseReason = closeReason,
                    Error = error,
                });
            }
        }

        // on_error with the message the script hears; the observer hears the same words.
        private void DeliverError(long id, string message)
        {
            Observe(id, WebSocketObservationKind.Failed, error: message);
            Deliver(id, "error", s => s.PushText(message), 1);
        }
    }
}
