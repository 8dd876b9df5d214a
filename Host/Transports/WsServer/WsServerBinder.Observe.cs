using PluginNet.Core.Observation;
using PluginNet.Core.Resources;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

// What net.ws_server tells an attached observer (EngineOptions.Observer): one null check when nobody
// watches. Connection is the server's id, Client the client's id as the script sees it.
internal sealed partial class WsServerBinder
{
    private sealed partial class Binding
    {
        // A client event as it reaches the script (menu thread, from Deliver).
        private void ObserveClient(long id, int what, long client, byte[]? payload, string? text, int code, IncomingRequest? handshake)
        {
            if (Net.Observer is not { } observer || what is not (Open or Message or Error or Close))
            {
                return;
            }

            var slot = _servers.GetValueOrDefault(id);
            var kind = what switch
            {
                Open => WebSocketObservationKind.Opened,
                Message => WebSocketObservationKind.Received,
                Error => WebSocketObservationKind.Failed,
                _ => WebSocketObservationKind.Closed,
            };
            observer.OnWebSocket(new WebSocketObservation(Script.Scope.Name, WebSocketSide.Server, id, kind, DateTimeOffset.UtcNow)
            {
                Client = client,
                Url = what == Open && slot is not null && handshake is not null ? $"ws://127.0.0.1:{slot.Port}{handshake.Path}" : slot?.Url,
                Payload = payload,
                Binary = what == Message && code != 0,
                CloseCode = what == Close ? code : null,
                CloseReason = what == Close ? text : null,
                Error = what == Error ? text : null,
            });
        }

        // The script sent a message to one client, or a broadcast reached it.
        private void ObserveSent(ServerSlot slot, long client, byte[] payload, bool isText)
        {
            if (Net.Observer is { } observer)
            {
                observer.OnWebSocket(new WebSocketObservation(Script.Scope.Name, WebSocketSide.Server, slot.Id, WebSocketObservationKind.Sent, DateTimeOffset.UtcNow)
                {
                    Client = client,
                    Url = slot.Url,
                    Payload = payload,
                    Binary = !isText,
                });
            }
        }

        // A broadcast through the transport reaches the clients the script has heard open: one Sent each, sharing the payload.
        private void ObserveBroadcast(ServerSlot slot, byte[] payload, bool isText)
        {
            if (Net.Observer is not null)
            {
                foreach (var client in slot.Opened)
                {
                    ObserveSent(slot, client, payload, isText);
                }
            }
        }

        // An unload ends the server's clients without on_close (the script is gone): the observer hears
        // each end here, with the 1001 they are sent. A plugin unload's on_close events still reach Deliver.
        private void ObserveReleased(ServerSlot slot, ReleaseReason reason)
        {
            if (Net.Observer is { } observer && reason != ReleaseReason.PluginUnloaded)
            {
                foreach (var client in slot.Opened)
                {
                    observer.OnWebSocket(new WebSocketObservation(Script.Scope.Name, WebSocketSide.Server, slot.Id, WebSocketObservationKind.Closed, DateTimeOffset.UtcNow)
                    {
                        Client = client,
                        Url = slot.Url,
                        CloseCode = WebSocketLimits.GoingAway,
                        CloseReason = reason == ReleaseReason.ScriptUnloaded ? "script unloaded" : "host stopping",
                    });
                }
            }
        }
    }
}
