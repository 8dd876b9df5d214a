using System.Collections.Concurrent;
using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

// The outgoing side of a client: the queue, its byte budget, and the drain that sends it and then the close frame.
internal sealed partial class ClientConnection
{
    // The outgoing queue has no thread of its own: a drain runs when there is something to send
    // (_draining is 1 while one runs; it alone touches the socket's send side) and stops when the
    // queue is empty. Once the queue is closed the last drain sends the close frame.
    private readonly ConcurrentQueue<(byte[] Payload, bool IsText)> _outgoing = new();
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _draining;
    private volatile bool _queueClosed;
    private long _queuedBytes;

    /// <summary>Queues a text message; false when the connection is closing. Never blocks.</summary>
    /// <remarks>
    /// The array is shared with other clients by a broadcast and never written to. A client with a
    /// backlog that this message would grow past the limit is closed with 1008 and the message is not
    /// queued. A single message into an empty queue is always accepted (it is at most 64 MB), so the
    /// limit measures how far a client lags behind, not how big one message may be.
    /// </remarks>
    /// <param name="payload">The message; shared, never written to.</param>
    /// <param name="send">
    /// Start sending at once (on the thread pool). A broadcast passes false for every client and then
    /// calls <see cref="SendQueued"/> for all of them from one pool thread.
    /// </param>
    /// <param name="isText">A text message (else binary).</param>
    public bool TryEnqueue(byte[] payload, bool send = true, bool isText = true)
    {
        if (_closing)
        {
            return false;
        }

        var queued = Interlocked.Add(ref _queuedBytes, payload.Length);
        if (queued > _maxQueuedBytes && queued != payload.Length)
        {
            Interlocked.Add(ref _queuedBytes, -payload.Length);
            RequestClose(
                WebSocketLimits.PolicyViolation,
                "client too slow",
                dropPending: true,
                error: $"client too slow: more than {_maxQueuedBytes} bytes waiting to be sent; closing with 1008",
                ServerSettings.CloseHandshakeTimeout);
            return false;
        }

        _outgoing.Enqueue((payload, isText));
        if (send)
        {
            ScheduleDrain();
        }

        return true;
    }

    /// <summary>Bytes queued and not yet handed to the socket.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>
    /// Sends what is queued from the calling thread, up to the first send the socket cannot take at
    /// once (the rest then follows in the background). Nothing happens while a drain is already running.
    /// </summary>
    public void SendQueued()
    {
        if (!_outgoing.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = DrainAsync();
        }
    }

    // No more messages: the drain that finds the queue closed and empty sends the close frame.
    private void CloseQueue()
    {
        _queueClosed = true;
        ScheduleDrain();
    }

    private void ScheduleDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.DrainAsync(), this, preferLocal: false);
        }
    }

    // Runs with _draining = 1. Sends until the queue is empty, then lets go, unless a message or the
    // close arrived meanwhile (checked after letting go: Enqueue/CloseQueue then CAS, so one side sees the other).
    private async Task DrainAsync()
    {
        var cancellationToken = _abort.Token;
        try
        {
            while (true)
            {
                while (_outgoing.TryDequeue(out var message))
                {
                    try
                    {
                        if (!_dropPending)
                        {
                            // No token: with one, every send takes ManagedWebSocket's slow path (an async
                            // lock wait and a registration); without, an uncontended send that the pipe
                            // takes at once completes synchronously. Aborts arrive through Abort() instead.
                            var type = message.IsText ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
                            await _socket.SendAsync(message.Payload, type, endOfMessage: true, CancellationToken.None)
                                .ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        Interlocked.Add(ref _queuedBytes, -message.Payload.Length);
                    }
                }

                if (_queueClosed)
                {
                    break; // keeps _draining: nothing is sent after the close frame
                }

                Interlocked.Exchange(ref _draining, 0);
                if ((_outgoing.IsEmpty && !_queueClosed) || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                {
                    return;
                }
            }

            // The queue was closed: the connection is closing. Send our close frame, or echo the peer's.
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var (status, description) = CloseFrameToSend();
                await _socket.CloseOutputAsync(status, description, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The close deadline passed or Kestrel aborted the connection; the receive loop reports it.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
        {
            // A send failed because the socket was aborted (deadline or Kestrel); the receive loop reports it.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            NoteFailure(ex.Message);

            // The receive loop may be waiting on a healthy-looking socket; end it too. The source is
            // disposed only after the writer has finished, so it is still alive here.
            await _abort.CancelAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Anything else is a bug: RunAsync gets it from _writerDone, as it got it from the old writer task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _writerDone.TrySetException(ex);
            return;
        }

        // Reached only by the closing drain, or after a failure (which keeps _draining: the socket is done).
        _writerDone.TrySetResult();
    }

    private (WebSocketCloseStatus Status, string? Description) CloseFrameToSend()
    {
        lock (_gate)
        {
            // 1005 means "no code in the peer's frame": the echo carries no code either.
            return _closeCode == 1005
                ? (WebSocketCloseStatus.Empty, null)
                : ((WebSocketCloseStatus)_closeCode, WebSocketCloseRules.TruncateReason(_closeReason));
        }
    }
}
