using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

// The incoming side of a client: reads frames into whole messages, enforces the size limit, and raises OnMessage.
internal sealed partial class ClientConnection
{
    // When this side closed for a message over the limit (a Stopwatch timestamp; 0: it did not), and
    // when the close deadline was last pushed back because more of that message arrived.
    private long _tooBigAt;
    private long _deadlineExtendedAt;

    // Bytes of reassembly buffer this connection has counted against the server's budget.
    private long _held;

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var assembly = new ArrayBufferWriter<byte>(ServerSettings.ReceiveChunkBytes);
        _budget.Add(_held = assembly.Capacity);
        try
        {
            await ReceiveMessagesAsync(assembly, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _budget.Release(_held);
            _held = 0;
        }
    }

    private async Task ReceiveMessagesAsync(ArrayBufferWriter<byte> assembly, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_closedLocally && !ReserveForNextRead(assembly))
            {
                // The server (or the process) holds as much of partial messages as it may: this
                // client's message would take it past that, so it is closed, the others go on.
                assembly = Fresh();
                Raise(() => _events.OnError(
                    Id, "the server's memory budget for messages still arriving is spent; closing with 1013"));
                if (RequestClose(
                    WebSocketLimits.TryAgainLater, "server busy", dropPending: true, error: null, ServerSettings.TooBigDrainIdle))
                {
                    _tooBigAt = _deadlineExtendedAt = Stopwatch.GetTimestamp();
                }
            }

            var memory = assembly.GetMemory(ServerSettings.ReceiveChunkBytes);
            if (assembly.Capacity > _held)
            {
                _budget.Add(assembly.Capacity - _held); // the growth was foreseen and reserved; this only squares the count
                _held = assembly.Capacity;
            }

            var result = await _socket.ReceiveAsync(memory, cancellationToken)
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
                ExtendDeadlineWhileTooBigArrives(result.Count);
                continue;
            }

            assembly.Advance(result.Count);

            // Mid-message, a frame header already announced more than the limit: the message is too
            // big, and that is known now, before megabytes of it are buffered.
            var announcedTooBig = !result.EndOfMessage && _frameScan?.LargestFrameAnnounced > (ulong)_maxMessageBytes;
            if (assembly.WrittenCount > _maxMessageBytes || announcedTooBig)
            {
                // Stop buffering now: from here on (we are closing) the rest is read and dropped.
                assembly = Fresh();
                Raise(() => _events.OnError(
                    Id, $"message larger than {_maxMessageBytes} bytes; closing with 1009"));
                if (RequestClose(
                    WebSocketLimits.MessageTooBig, "message too big", dropPending: true, error: null, ServerSettings.TooBigDrainIdle))
                {
                    _tooBigAt = _deadlineExtendedAt = Stopwatch.GetTimestamp();
                }

                continue;
            }

            if (result.EndOfMessage)
            {
                var payload = assembly.WrittenSpan.ToArray();
                if (assembly.Capacity > ServerSettings.KeptAssemblyBufferBytes)
                {
                    assembly = Fresh();
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

    /// <summary>
    /// Reserves what the next read's buffer will take if it must grow (ArrayBufferWriter doubles:
    /// it grows by its size, or by the chunk asked for when that is more). False: the budget refuses.
    /// </summary>
    private bool ReserveForNextRead(ArrayBufferWriter<byte> assembly)
    {
        if (assembly.FreeCapacity >= ServerSettings.ReceiveChunkBytes)
        {
            return true;
        }

        var grown = (long)assembly.Capacity + Math.Max(ServerSettings.ReceiveChunkBytes, assembly.Capacity);
        var more = grown - _held;
        if (more <= 0)
        {
            return true;
        }

        if (!_budget.TryReserve(more))
        {
            return false;
        }

        _held += more;
        return true;
    }

    // A new small buffer in place of a big one, giving the big one's bytes back to the budget.
    private ArrayBufferWriter<byte> Fresh()
    {
        var fresh = new ArrayBufferWriter<byte>(ServerSettings.ReceiveChunkBytes);
        _budget.Release(_held - fresh.Capacity);
        _held = fresh.Capacity;
        return fresh;
    }

    /// <summary>
    /// After our 1009 (or 1013), the rest of the refused message still arriving gives the client
    /// <see cref="ServerSettings.TooBigDrainIdle"/> again (checked every quarter second, for at most
    /// <see cref="ServerSettings.TooBigDrainLimit"/>), so a client still writing it is not reset before it
    /// reads our close; one that stops sending is dropped after <see cref="ServerSettings.TooBigDrainIdle"/>.
    /// </summary>
    private void ExtendDeadlineWhileTooBigArrives(int received)
    {
        if (_tooBigAt == 0 || received == 0
            || Stopwatch.GetElapsedTime(_deadlineExtendedAt) < TimeSpan.FromMilliseconds(250)
            || Stopwatch.GetElapsedTime(_tooBigAt) > ServerSettings.TooBigDrainLimit)
        {
            return;
        }

        _deadlineExtendedAt = Stopwatch.GetTimestamp();
        _abort.CancelAfter(ServerSettings.TooBigDrainIdle);
    }
}
