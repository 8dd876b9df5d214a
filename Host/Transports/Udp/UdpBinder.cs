using System.Net;
using PluginNet.Core.Observation;
using PluginNet.Core.Resources;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// <c>net.udp</c> for one script: the glue checks arguments and owns the UdpSocket handles and
/// callbacks; the raw functions bind, send on and close sockets on whichever UDP transport is current.
/// Datagrams wait in a bounded queue per socket until the menu thread delivers them, in order; past the
/// bound they are dropped and counted. Every socket is in the script's ledger until it is closed.
/// </summary>
internal sealed class UdpBinder(NetServices net) : IScriptModule
{
    /// <summary>The largest UDP payload over IPv4.</summary>
    public const int MaxDatagramBytes = 65_507;

    public void Install(ScriptRuntime script) => new Binding(script, net).Install();

    private sealed class Binding(ScriptRuntime script, NetServices net) : TransportBinding<IUdpTransport>(script, net, TransportKind.Udp)
    {
        private const int Message = 0;
        private const int Error = 1;

        private static readonly Action<object?, object?> DeliverNext =
            static (slot, _) => ((Slot)slot!).Binding.DeliverDatagram((Slot)slot!);

        private readonly Dictionary<long, Slot> _sockets = [];
        private readonly EndpointHandles _handles = new(script, "net.udp:bind");
        private long _lastId;

        protected override Dictionary<string, Func<LuaState, int>> RawFunctions() => new()
        {
            ["set_handle_meta"] = state => _handles.SetMeta(state),
            ["bind"] = Bind,
            ["send"] = Send,
            ["close"] = Close,
            ["is_open"] = IsOpen,
        };

        protected override long[] GlueArguments() => [MaxDatagramBytes];

        // raw.bind(port) -> handle, id, bound port | nil, nil, reason (taken, refused) | nil, message (no transport)
        private int Bind(LuaState state)
        {
            var port = (int)state.ToInteger(1);
            if (Current is not { } provider)
            {
                return NoProvider(state);
            }

            if (PermissionRule.Listen.Check(Permissions, port) is { } denied)
            {
                return _handles.Refuse(state, port, denied.Replace("listen on", "bind", StringComparison.Ordinal));
            }

            var slot = new Slot(this, ++_lastId);
            try
            {
                slot.Socket = provider.Transport.Bind(port, slot);
            }
            catch (PortInUseException ex)
            {
                return _handles.Refuse(state, port, $"{ex.Message}; pick another port, or bind port 0 to get a free one (sock.port tells which)");
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                return _handles.Refuse(state, port, $"{ex.GetType().Name}: {ex.Message}");
            }

            slot.Port = slot.Socket.Port;
            slot.Entry = Track(ResourceKind.Server, provider.PluginName, slot.Describe, _ => Release(slot));
            _sockets.Add(slot.Id, slot);
            if (Net.Observer is not null)
            {
                Observe(slot.Id, UdpObservationKind.Opened, local: $"127.0.0.1:{slot.Port}");
            }

            return _handles.Push(state, slot.Id, slot.Port);
        }

        // raw.send(id, host, port, data) -> bool | false, reason (refused) | nil, message (not an address)
        private int Send(LuaState state)
        {
            var host = state.ToText(2) ?? string.Empty;
            IPAddress? address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
                : IPAddress.TryParse(host, out var parsed) ? parsed : null;
            if (address is null)
            {
                return state.ReturnError($"bad argument #1 to 'send' ('{host}' is not an IP address or localhost)");
            }

            if (!IPAddress.IsLoopback(address) && TransportKind.Udp.Hosts.Check(Permissions, host, allowedWhenUnlisted: false) is { } denied)
            {
                Observe(state.ToInteger(1), UdpObservationKind.Failed, error: denied);
                state.PushBoolean(false);
                state.PushText(denied);
                return 2;
            }

            var payload = state.ToBytes(4) ?? [];
            var sent = _sockets.TryGetValue(state.ToInteger(1), out var slot) && slot.Socket is { } socket
                && socket.Send(new IPEndPoint(address, (int)state.ToInteger(3)), payload);
            if (Net.Observer is not null && slot is not null)
            {
                // The script hears only true or false: a false send is a failure without more words.
                var remote = $"{address}:{state.ToInteger(3)}";
                Observe(slot.Id, sent ? UdpObservationKind.Sent : UdpObservationKind.Failed, remote: remote, payload: payload, error: sent ? null : $"send to {remote} returned false");
            }

            state.PushBoolean(sent);
            return 1;
        }

        // raw.close(id): the port is free when it returns; nothing is delivered for this socket afterwards.
        private int Close(LuaState state)
        {
            if (_sockets.Remove(state.ToInteger(1), out var slot))
            {
                Untrack(slot.Entry);
                _ = Release(slot);
            }

            return 0;
        }

        private int IsOpen(LuaState state)
        {
            state.PushBoolean(_sockets.TryGetValue(state.ToInteger(1), out var slot) && slot.Socket is { IsOpen: true });
            return 1;
        }

        // Closes the socket once (sock:close, unload, plugin unload); the slot lets go of the plugin's object.
        private async Task Release(Slot slot)
        {
            if (Interlocked.Exchange(ref slot.Socket, null) is { } socket)
            {
                Observe(slot.Id, UdpObservationKind.Closed, local: $"127.0.0.1:{slot.Port}");
                await socket.DisposeAsync().ConfigureAwait(false);
            }
        }

        // What net.udp tells an attached observer (EngineOptions.Observer): one null check when nobody watches.
        private void Observe(long id, UdpObservationKind kind, string? local = null, string? remote = null, ReadOnlyMemory<byte> payload = default, string? error = null)
        {
            if (Net.Observer is { } observer)
            {
                observer.OnUdp(new UdpObservation(Script.Scope.Name, id, kind, DateTimeOffset.UtcNow)
                {
                    Local = local,
                    Remote = remote,
                    Payload = payload,
                    Error = error,
                });
            }
        }

        private void DeliverDatagram(Slot slot)
        {
            if (!slot.TryTake(out var datagram) || Script.IsDisposed || !_sockets.ContainsKey(slot.Id))
            {
                return; // closed since: its queued datagrams are not delivered
            }

            if (!BeginDelivery(out var state, out var top))
            {
                return;
            }

            if (Net.Observer is not null)
            {
                Observe(
                    slot.Id,
                    datagram.Data is null ? UdpObservationKind.Failed : UdpObservationKind.Received,
                    remote: datagram.Data is null ? null : $"{datagram.Text}:{datagram.Port}",
                    payload: datagram.Data,
                    error: datagram.Data is null ? datagram.Text : null);
            }

            state.PushInteger(slot.Id);
            if (datagram.Data is { } data)
            {
                state.PushInteger(Message);
                state.PushBuffer(data);
                state.PushText(datagram.Text);
                state.PushInteger(datagram.Port);
                EndDelivery(5, top);
            }
            else
            {
                state.PushInteger(Error);
                state.PushText(datagram.Text);
                EndDelivery(3, top);
            }
        }

        /// <summary>One socket: the plugin's socket, its ledger entry and its queue of datagrams on their way to the script.</summary>
        private sealed class Slot(Binding binding, long id) : IUdpEvents
        {
            public readonly Binding Binding = binding;
            public readonly long Id = id;
            public IUdpSocket? Socket;
            public LedgerEntry? Entry;
            public int Port;

            private readonly Lock _gate = new();
            private readonly Queue<Datagram> _queue = new();
            private long _queuedBytes;
            private long _dropped;

            // The plugin's receive thread, one call at a time.
            public void OnMessage(byte[] data, string fromHost, int fromPort)
            {
                lock (_gate)
                {
                    if (_queuedBytes + data.Length > Binding.Net.Udp.MaxQueuedBytesPerSocket)
                    {
                        _dropped++;
                        return;
                    }

                    _queuedBytes += data.Length;
                    _queue.Enqueue(new Datagram(data, fromHost, fromPort));
                }

                Binding.Post(DeliverNext, this, null);
            }

            public void OnError(string message)
            {
                lock (_gate)
                {
                    _queue.Enqueue(new Datagram(null, message, 0));
                }

                Binding.Post(DeliverNext, this, null);
            }

            public bool TryTake(out Datagram datagram)
            {
                lock (_gate)
                {
                    if (!_queue.TryDequeue(out datagram))
                    {
                        return false;
                    }

                    _queuedBytes -= datagram.Data?.Length ?? 0;
                    return true;
                }
            }

            public string Describe()
            {
                lock (_gate)
                {
                    return $"udp 127.0.0.1:{Port}, {_queue.Count} datagrams ({_queuedBytes} bytes) waiting, {_dropped} dropped (queue full)";
                }
            }
        }

        /// <summary>A datagram (or, with no data, an error message) waiting for the menu thread.</summary>
        private readonly record struct Datagram(byte[]? Data, string Text, int Port);
    }
}
