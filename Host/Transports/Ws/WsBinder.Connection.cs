using PluginNet.Core.Observation;
using PluginNet.Core.Resources;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

// One script connection (one id): its ledger entry, the transport connection it uses now, and the
// reconnect loop that replaces that transport connection after a drop.
internal sealed partial class WsBinder
{
    private sealed partial class Binding
    {
        /// <summary>
        /// One script connection. Menu thread, except the <see cref="Attempt"/> sinks, which only post.
        /// Each transport connection reports to its own <see cref="Attempt"/>, so a reconnect never mixes
        /// the events of an old connection with the new one's.
        /// </summary>
        private sealed partial class Connection(Binding binding, long id, WebSocketConnectRequest request, WsReconnect? reconnect)
        {
            private LedgerEntry? _entry;
            private Attempt? _current;
            private CancellationTokenSource? _waiting;
            private bool _everOpened;
            private bool _scriptClosed;
            private volatile bool _released;
            private int _tries;

            public IWebSocketConnection? Transport => _current?.Transport;

            /// <summary>True once on_open of the current transport connection has been delivered (menu thread).</summary>
            public bool Opened { get; private set; }

            private string Url => request.Url;

            private Binding Owner => binding;

            private long Id => id;

            private bool Reconnects => reconnect is not null;

            public void Start()
            {
                var provider = binding.Current;
                if (provider is null)
                {
                    FailAtStart("no plugin provides the ws transport; enable one that serves ws in plugins.json (the WsClient plugin does) or load it with the console's `plugin load NAME`, then connect again");
                    return;
                }

                if (UrlRules.PortOutOfRange(Url) is { } port)
                {
                    FailAtStart($"cannot connect to {Url}: {port}");
                    return;
                }

                if (Uri.TryCreate(Url, UriKind.Absolute, out var target)
                    && TransportKind.WebSocketClient.Hosts.Check(binding.Permissions, target.Host) is { } denied)
                {
                    FailAtStart(denied); // like a refused connection: on_error, then on_close(1006)
                    return;
                }

                // In the ledger before the transport can report anything, so its close always finds it.
                _entry = binding.Track(ResourceKind.Connection, provider.PluginName, Describe, ReleaseAsync);
                Begin();
            }

            public bool Send(byte[] payload, bool isText)
            {
                if (!Opened || Transport is not { } transport)
                {
                    return false;
                }

                if (transport.Send(payload, isText))
                {
                    binding.Observe(id, WebSocketObservationKind.Sent, payload: payload, binary: !isText);
                    return true;
                }

                if (transport.IsOpen)
                {
                    // Open but refused: the queue is at its cap (a server that does not read).
                    var waiting = transport.BufferedBytes;
                    binding.Post(() => binding.DeliverError(id,
                        $"send queue full: {waiting} bytes still waiting to be sent (max_buffered is {request.MaxQueuedBytes}); the message of {payload.Length} bytes was dropped"));
                }

                return false;
            }

            public void Close(int code, string reason)
            {
                if (_scriptClosed)
                {
                    return;
                }

                _scriptClosed = true;
                if (_waiting is { } waiting)
                {
                    // Between two tries: nothing to close on the network.
                    _waiting = null;
                    waiting.Cancel();
                    End(WebSocketLimits.AbnormalClosure, "closed while reconnecting");
                    return;
                }

                if (Transport is { } transport)
                {
                    _ = transport.CloseAsync(code, reason, CancellationToken.None);
                }
            }

            // Connects a new transport connection for this id (the first, or a reconnect).
            private void Begin()
            {
                var attempt = new Attempt(this);
                _current = attempt;
                binding.Observe(id, WebSocketObservationKind.Connecting, Url); // every try, reconnects too
                if (binding.Current is not { } provider)
                {
                    attempt.OnError(binding.Kind.NoProviderMessage);
                    attempt.OnClose(WebSocketLimits.AbnormalClosure, binding.Kind.NoProviderMessage);
                    return;
                }

                try
                {
                    attempt.Transport = provider.Transport.Connect(request, attempt);
                }
#pragma warning disable CA1031 // A faulty transport becomes on_error + on_close, never an error in the script.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    var message = $"the ws transport (plugin '{provider.PluginName}') failed: {ex.GetType().Name}: {ex.Message}";
                    attempt.OnError(message);
                    attempt.OnClose(WebSocketLimits.AbnormalClosure, message);
                }
            }

            // Menu thread, from here to the end: what the attempts posted.
            private void Opening(Attempt attempt, WebSocketOpenInfo? info)
            {
                if (attempt != _current)
                {
                    return;
                }

                // From here on the script may send: it never sees is_open true before its on_open.
                Opened = true;
                _everOpened = true;
                _tries = 0;
                binding.Observe(id, WebSocketObservationKind.Opened, Url);
                binding.Deliver(id, "open", s => PushOpenInfo(s, info), 1);
            }

            private void Failing(Attempt attempt, string message)
            {
                if (attempt == _current)
                {
                    binding.DeliverError(id, message);
                }
            }

            private void Closing(Attempt attempt, int code, string reason)
            {
                if (attempt != _current)
                {
                    return;
                }

                var wasOpen = Opened;
                Opened = false;
                _current = null;
                if (reconnect is null || !_everOpened || _scriptClosed || _released || binding.Script.IsDisposed || !reconnect.Allows(_tries + 1))
                {
                    End(code, reason);
                    return;
                }

                if (wasOpen && !attempt.HadError)
                {
                    // The server closed politely (a restart says 1001): still a drop for a link that reconnects.
                    binding.DeliverError(id, $"the server closed the connection ({code}{(reason.Length > 0 ? ", " + reason : "")}); reconnecting");
                }

                ScheduleTry();
            }

            private void ScheduleTry()
            {
                _tries++;
                var delay = reconnect!.Delay(_tries);
                var waiting = new CancellationTokenSource();
                _waiting = waiting;
                var tries = _tries;
                binding.Deliver(id, "reconnecting", s => PushTry(s, tries, delay), 2);
                if (_scriptClosed)
                {
                    return; // closed from on_reconnecting: on_close has been delivered
                }

                _ = WaitThenTryAsync(waiting, delay);
            }

            private async Task WaitThenTryAsync(CancellationTokenSource waiting, double delay)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(delay), waiting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                finally
                {
                    waiting.Dispose();
                }

                binding.Post(() =>
                {
                    if (_waiting == waiting && !_scriptClosed && !_released)
                    {
                        _waiting = null;
                        Begin();
                    }
                });
            }

            private static void PushTry(LuaState state, int tries, double delay)
            {
                state.PushInteger(tries);
                state.PushNumber(delay);
            }

            // The one on_close of this id.
            private void End(int code, string reason)
            {
                binding.Untrack(_entry);
                binding.Observe(id, WebSocketObservationKind.Closed, Url, closeCode: code, closeReason: reason);
                binding.Deliver(id, "close", s => PushClose(s, code, reason), 2);
            }

            private static void PushClose(LuaState state, int code, string reason)
            {
                state.PushInteger(code);
                state.PushText(reason);
            }

            private void FailAtStart(string message) =>
                binding.Post(() =>
                {
                    binding.Observe(id, WebSocketObservationKind.Connecting, Url); // asked to connect, refused before trying
                    binding.DeliverError(id, message);
                    End(WebSocketLimits.AbnormalClosure, message);
                });

            private string Describe() =>
                $"ws {Url} ({(Transport is null ? (_waiting is null ? "failed" : "reconnecting") : Transport.IsOpen ? "open" : "not open")})";
        }
    }
}
