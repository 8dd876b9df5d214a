using PluginNet.Core.Resources;
using PluginNet.Core.Transports;
using PluginNet.Host.Output;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// <c>net.ws_server</c> for one script: the glue checks arguments and owns the WsServer handles and
/// callbacks; the raw functions here start and drive servers on whichever WS server transport is
/// current; client events come back through the dispatcher to the glue's <c>deliver</c> on the menu
/// thread. Every server is in the script's ledger until it is closed.
/// </summary>
internal sealed partial class WsServerBinder(NetServices net) : IScriptModule
{
    /// <summary>How long <c>srv:close()</c> may hold the menu thread; the close goes on in the background after that.</summary>
    public static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    public void Install(ScriptRuntime script) => new Binding(script, net).Install();

    // Its per-server state and event sink are in WsServerBinder.ServerSlot.cs and WsServerBinder.ServerEvents.cs.
    private sealed partial class Binding(ScriptRuntime script, NetServices net) : TransportBinding<IWebSocketServerTransport>(script, net, TransportKind.WebSocketServer)
    {
        private const int Open = 0;
        private const int Message = 1;
        private const int Error = 2;
        private const int Close = 3;
        private const int Forget = 4;

        private readonly Dictionary<long, ServerSlot> _servers = [];
        private static readonly Action<object?, object?, long> DeliverText =
            static (slot, payload, client) => ((ServerSlot)slot!).Binding.Deliver(((ServerSlot)slot!).Id, Message, client, (byte[])payload!, null, 0);

        private static readonly Action<object?, object?, long> DeliverBinary =
            static (slot, payload, client) => ((ServerSlot)slot!).Binding.Deliver(((ServerSlot)slot!).Id, Message, client, (byte[])payload!, null, 1);

        private readonly EndpointHandles _handles = new(script, "net.ws_server:listen");
        private long _lastId;

        protected override Dictionary<string, Func<LuaState, int>> RawFunctions() => new()
        {
            ["set_handle_meta"] = state => _handles.SetMeta(state),
            ["listen"] = Listen,
            ["send"] = Send,
            ["broadcast"] = Broadcast,
            ["buffered"] = Buffered,
            ["disconnect"] = Disconnect,
            ["close"] = CloseServer,
            ["is_open"] = IsOpen,
            ["client_count"] = ClientCount,
            ["route"] = Route,
            ["static"] = Static,
            ["answer"] = Answer,
        };

        protected override long[] GlueArguments() => [Net.WsServer.MaxMessageBytes];

        // raw.listen(port, ws_path, max_body_bytes, answer_timeout, protocols, compress, ping_interval, pong_timeout, max_message)
        //   -> handle, id, bound port | nil, nil, reason (port taken, refused) | nil, message (no transport)
        private int Listen(LuaState state)
        {
            var port = (int)state.ToInteger(1);
            if (Current is not { } provider)
            {
                // Like net.http and net.ws: a missing transport is a Lua error at the call, not a nil.
                return NoProvider(state);
            }

            if (PermissionRule.Listen.Check(Permissions, port) is { } denied)
            {
                return _handles.Refuse(state, port, denied);
            }

            var id = ++_lastId;
            var slot = new ServerSlot(this, id);
            var request = new WebSocketListenRequest(
                port,
                state.ToOptionalNumber(9) is { } most ? Math.Min((long)most, Net.WsServer.MaxMessageBytes) : Net.WsServer.MaxMessageBytes,
                Net.AllowedOrigins(),
                WebSocketLimits.HandshakeTimeout,
                Net.WsServer.MaxQueuedBytesPerClient)
            {
                Http = HttpOptions(state),
                Protocols = ReadList(state, 5),
                Compress = state.ToBoolean(6),
                PingInterval = Seconds(state, 7),
                PongTimeout = Seconds(state, 8),
                MaxReassemblyBytesPerServer = Net.WsServer.MaxReassemblyBytesPerServer,
                MaxReassemblyBytesPerProcess = Net.WsServer.MaxReassemblyBytesPerProcess,
            };
            try
            {
                slot.Server = provider.Transport.Listen(request, new ServerEvents(this, slot));
            }
            catch (PortInUseException ex)
            {
                return _handles.Refuse(state, port, $"{ex.Message}; pick another port, or listen on port 0 to get a free one (srv.port tells which)");
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException
                                           or InvalidOperationException or ArgumentException)
            {
                return _handles.Refuse(state, port, $"{ex.GetType().Name}: {ex.Message}");
            }

            var server = slot.Server;
            slot.Port = server.Port;
            slot.Url = Net.Observer is null ? null : $"ws://127.0.0.1:{slot.Port}{request.Http?.WebSocketPath}";
            slot.Entry = Track(
                ResourceKind.Server,
                provider.PluginName,
                () => $"ws_server 127.0.0.1:{slot.Port}, {slot.Server?.ClientCount ?? 0} clients",
                reason =>
                {
                    ObserveReleased(slot, reason);
                    return CloseAsync(slot);
                });
            _servers.Add(id, slot);

            return _handles.Push(state, id, slot.Port);
        }

        private static TimeSpan Seconds(LuaState state, int index) =>
            state.ToOptionalNumber(index) is { } seconds ? TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000.0)) : TimeSpan.Zero;

        private static List<string> ReadList(LuaState state, int index)
        {
            var list = new List<string>();
            if (state.Type(index) != KeraLua.LuaType.Table)
            {
                return list;
            }

            for (var i = 1; state.RawGetInteger(index, i) == KeraLua.LuaType.String; i++)
            {
                list.Add(state.ToText(-1)!);
                state.Pop(1);
            }

            state.Pop(1);
            return list;
        }

        // raw.close(id): returns once the server has stopped (bounded by CloseWait).
        private int CloseServer(LuaState state)
        {
            if (_servers.TryGetValue(state.ToInteger(1), out var slot))
            {
                Untrack(slot.Entry);

                var closing = CloseAsync(slot);

                // The seed's srv:close() joins the server's threads. Nothing it waits for needs the menu
                // thread (events are only posted), so this cannot deadlock; it is bounded all the same.
                try
                {
                    if (!closing.Wait(CloseWait))
                    {
                        Script.Services.Output.Log(
                            LogLevel.Warn, Script.Scope.Name, $"srv:close(): server {slot.Id} still closing after {CloseWait.TotalSeconds:0} s; finishing in the background");
                    }
                }
                catch (AggregateException ex)
                {
                    Script.Services.Output.Log(LogLevel.Error, Script.Scope.Name, $"srv:close(): {ex.InnerException?.Message ?? ex.Message}");
                }
            }

            return 0;
        }

        private int IsOpen(LuaState state)
        {
            state.PushBoolean(Find(state)?.IsOpen ?? false);
            return 1;
        }

        private IWebSocketServer? Find(LuaState state) =>
            _servers.TryGetValue(state.ToInteger(1), out var slot) ? slot.Server : null;

        /// <summary>
        /// Closes the server once (srv:close, unload, plugin unload), then lets the glue forget its
        /// callbacks. The slot drops the server at once, so nothing here pins the plugin afterwards.
        /// </summary>
        private Task CloseAsync(ServerSlot slot)
        {
            var server = Interlocked.Exchange(ref slot.Server, null);
            if (server is null)
            {
                return Task.CompletedTask;
            }

            return CloseAndForgetAsync(server, slot.Id);
        }

        private async Task CloseAndForgetAsync(IWebSocketServer server, long id)
        {
            try
            {
                await server.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                // Posted after every OnClose of this server, so the glue forgets it only after delivering them.
                Post(id, Forget, 0, null, null, 0);
            }
        }

        private void Post(long id, int what, long client, byte[]? payload, string? text, int code, IncomingRequest? handshake = null) =>
            Post(() => Deliver(id, what, client, payload, text, code, handshake));

        // The hot path: a message posts the slot, the payload and the client id; no closure.
        private void PostMessage(ServerSlot slot, long client, byte[] payload, bool isText) =>
            Post(isText ? DeliverText : DeliverBinary, slot, payload, client);

        private void Deliver(long id, int what, long client, byte[]? payload, string? text, int code, IncomingRequest? handshake = null)
        {
            ObserveClient(id, what, client, payload, text, code, handshake);
            if (!BeginDelivery(out var state, out var top))
            {
                return;
            }

            if (what == Forget)
            {
                _servers.Remove(id);
            }
            else if (what == Open && _servers.TryGetValue(id, out var opened))
            {
                opened.Opened.Add(client);
                Interlocked.Decrement(ref opened.OpensOnTheWay);
            }
            else if (what == Close && _servers.TryGetValue(id, out var closed))
            {
                closed.Opened.Remove(client);
            }

            state.PushInteger(id);
            state.PushInteger(what);
            state.PushInteger(client);
            var count = 3;
            switch (what)
            {
                case Open:
                    IncomingRequestTable.Push(state, handshake);
                    count++;
                    break;
                case Message:
                    state.PushBuffer(payload!);
                    state.PushBoolean(code != 0); // is_binary
                    count += 2;
                    break;
                case Error:
                    state.PushText(text!);
                    count++;
                    break;
                case Close:
                    state.PushInteger(code);
                    state.PushText(text!);
                    count += 2;
                    break;
            }

            EndDelivery(count, top);
        }
    }
}
