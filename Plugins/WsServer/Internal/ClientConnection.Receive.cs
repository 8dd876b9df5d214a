using System.Buffers;
using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

// The incoming side of a client: reads frames into whole messages, enforces the size limit, and raises OnMessage.
internal sealed partial class ClientConnection
{
    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var assembly = new ArrayBufferWriter<byte>(ServerSettings.ReceiveChunkBytes);
        while (true)
        {
            var result = await _socket.ReceiveAsync(assembly.GetMemory(ServerSettings.ReceiveChunkBytes), cancellationToken)
                .ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                NotePeerClose();
                return;
            }

            // Once we are closing, whatever still arrives is read only to reach the peer's close frame.
            if (_closedLocally)
            {
                assembly.ResetWrittenCount();
                continue;
            }

            assembly.Advance(result.Count);

            // Mid-message, a frame header already announced more than the limit: the message is too
            // big, and that is known now, before megabytes of it are buffered.
            var announcedTooBig = !result.EndOfMessage && _frameScan?.LargestFrameAnnounced > (ulong)_maxMessageBytes;
            if (assembly.WrittenCount > _maxMessageBytes || announcedTooBig)
            {
                // Stop buffering now: from here on (we are closing) the rest is read and dropped.
                assembly = new ArrayBufferWriter<byte>(ServerSettings.ReceiveChunkBytes);
                Raise(() => _events.OnError(
                    Id, $"message larger than {_maxMessageBytes} bytes; closing with 1009"));
                RequestClose(
                    WebSocketLimits.MessageTooBig, "message too big", dropPending: true, error: null, ServerSettings.CloseHandshakeTimeout);
                continue;
            }

            if (result.EndOfMessage)
            {
                var payload = assembly.WrittenSpan.ToArray();
                if (assembly.Capacity > ServerSettings.KeptAssemblyBufferBytes)
                {
                    assembly = new ArrayBufferWriter<byte>(ServerSettings.ReceiveChunkBytes);
                }
                else
                {
                    assembly.ResetWrittenCount();
                }

                var isText = result.MessageType == WebSocketMessageType.Text;
                Raise(() => _events.OnMessage(Id, payload, isText));
            }
        }
    }
}
