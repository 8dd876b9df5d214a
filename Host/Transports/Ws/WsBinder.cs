using KeraLua;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// <c>net.ws</c> for one script: the glue checks arguments and keeps the callbacks; the raw functions
/// open, send to and close connections on whichever WebSocket client transport is current; the
/// transport's events come back through the dispatcher to the glue's <c>deliver</c> on the menu thread.
/// Every connection is in the script's ledger until it has closed. One script connection (one id) may
/// use several transport connections in turn when it reconnects (WsBinder.Connection.cs).
/// </summary>
internal sealed partial class WsBinder(NetServices net) : IScriptModule
{
    /// <summary>The send queue's cap when the script sets no <c>max_buffered</c>: 16 MB.</summary>
    public const long DefaultMaxBufferedBytes = 16L * 1024 * 1024;

    // How long an unloading script's connections get for a polite close (1001) before they are aborted.
    private static readonly TimeSpan UnloadCloseTimeout = TimeSpan.FromSeconds(2);

    private static readonly byte[] MessageKind = "message"u8.ToArray();

    public void Install(ScriptRuntime script) => new Binding(script, net).Install();

    private sealed partial class Binding(ScriptRuntime script, NetServices net) : TransportBinding<IWebSocketClientTransport>(script, net, TransportKind.WebSocketClient)
    {
        // Menu thread only. A connection leaves when its close has been delivered to the script.
        private readonly Dictionary<long, Connection> _connections = [];
        private long _nextId;

        protected override Dictionary<string, Func<LuaState, int>> RawFunctions() => new()
        {
            ["connect"] = Connect,
            ["send"] = Send,
            ["buffered"] = Buffered,
            ["close"] = Close,
            ["is_open"] = IsOpen,
        };

        protected override long[] GlueArguments() => [Net.Ws.MaxMessageBytes];

        // raw.connect(url, headers, protocols, ping, pong, compress, max_message, connect_timeout, max_buffered,
        //             r_initial, r_max, r_factor, r_jitter, r_attempts) -> id
        // A connection that cannot be made reports on_error + on_close. Only a missing transport fails
        // here (nil, err), like net.http, so the script hears it at the call. The glue has checked the rest.
        private int Connect(LuaState state)
        {
            if (Current is null)
            {
                return NoProvider(state);
            }

            var id = ++_nextId;
            var url = state.ToText(1) ?? string.Empty;
            var maxMessage = state.ToOptionalNumber(7) is { } m ? Math.Min((long)m, Net.Ws.MaxMessageBytes) : Net.Ws.MaxMessageBytes;
            var request = new WebSocketConnectRequest(url, Seconds(state, 8) ?? WebSocketLimits.HandshakeTimeout, maxMessage)
            {
                Headers = ReadHeaders(state, 2),
                Protocols = ReadList(state, 3),
                PingInterval = Seconds(state, 4) ?? TimeSpan.Zero,
                PongTimeout = Seconds(state, 5) ?? TimeSpan.Zero,
                Compress = state.ToBoolean(6),
                MaxQueuedBytes = state.ToOptionalNumber(9) is { } cap ? (long)cap : DefaultMaxBufferedBytes,
                Connection = ConnectionRules, // addresses and TLS, checked by the plugin
            };
            var reconnect = state.ToOptionalNumber(10) is { } initial
                ? new WsReconnect(initial, state.ToNumber(11), state.ToNumber(12), state.ToBoolean(13), state.ToOptionalNumber(14) is { } n ? (long)n : null)
                : null;
            var connection = new Connection(this, id, request, reconnect);
            _connections.Add(id, connection);
            connection.Start();
            state.PushInteger(id);
            return 1;
        }

        // raw.send(id, msg, is_text) -> bool; a full send queue also reports on_error.
        private int Send(LuaState state)
        {
            var connection = Find(state);
            var sent = connection?.Send(state.ToBytes(2) ?? [], state.ToBoolean(3)) ?? false; // observed as Sent there
            state.PushBoolean(sent);
            return 1;
        }

        // raw.buffered(id) -> bytes queued and not yet sent
        private int Buffered(LuaState state)
        {
            state.PushInteger(Find(state) is { Opened: true, Transport: { } transport } ? transport.BufferedBytes : 0);
            return 1;
        }

        // raw.close(id): starts a normal close (1000); on_close follows. Unknown or closed ids: nothing.
        private int Close(LuaState state)
        {
            Find(state)?.Close(WebSocketLimits.NormalClosure, string.Empty);
            return 0;
        }

        // raw.is_open(id) -> bool
        private int IsOpen(LuaState state)
        {
            state.PushBoolean(Find(state) is { Opened: true, Transport.IsOpen: true });
            return 1;
        }

        private Connection? Find(LuaState state) =>
            state.ToIntegerX(1) is { } id && _connections.TryGetValue(id, out var connection) ? connection : null;

        private static TimeSpan? Seconds(LuaState state, int index) =>
            state.ToOptionalNumber(index) is { } seconds ? TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000.0)) : null;

        private static List<KeyValuePair<string, string>> ReadHeaders(LuaState state, int index)
        {
            var headers = new List<KeyValuePair<string, string>>();
            if (state.Type(index) != LuaType.Table)
            {
                return headers;
            }

            state.PushNil();
            while (state.Next(index))
            {
                // The glue has checked names and values (strings, no line breaks, not the handshake's own).
                headers.Add(new(state.ToText(-2)!, state.ToText(-1)!));
                state.Pop(1);
            }

            return headers;
        }

        private static List<string> ReadList(LuaState state, int index)
        {
            var list = new List<string>();
            if (state.Type(index) != LuaType.Table)
            {
                return list;
            }

            for (var i = 1; state.RawGetInteger(index, i) == LuaType.String; i++)
            {
                list.Add(state.ToText(-1)!);
                state.Pop(1);
            }

            state.Pop(1);
            return list;
        }

        // deliver(id, "message", msg, is_binary): the hot path, with nothing allocated between the
        // transport's array and the Lua string (the kind's bytes are cached; no closure).
        private void DeliverMessage(long id, byte[] payload, bool isText)
        {
            Observe(id, Core.Observation.WebSocketObservationKind.Received, payload: payload, binary: !isText);
            if (!BeginDelivery(out var state, out var top))
            {
                return;
            }

            state.PushInteger(id);
            state.PushBuffer(MessageKind);
            state.PushBuffer(payload);
            state.PushBoolean(!isText);
            EndDelivery(4, top);
        }

        // deliver(id, "open", info) | (id, "error", err) | (id, "close", code, reason) | (id, "reconnecting", attempt, delay)
        private void Deliver(long id, string kind, Action<LuaState>? pushArguments = null, int argumentCount = 0)
        {
            if (kind == "close")
            {
                _connections.Remove(id);
            }

            if (!BeginDelivery(out var state, out var top))
            {
                return;
            }

            state.PushInteger(id);
            state.PushText(kind);
            pushArguments?.Invoke(state);
            EndDelivery(2 + argumentCount, top);
        }

        // on_open's info: { protocol = "...", headers = { lower-case name = value, repeats joined with ", " } }
        private static void PushOpenInfo(LuaState state, WebSocketOpenInfo? info)
        {
            state.NewTable();
            state.PushText(info?.Protocol ?? string.Empty);
            state.SetField(-2, "protocol");
            var headers = IncomingRequestTable.JoinedHeaders(info?.Headers ?? []);
            state.CreateTable(0, headers.Count);
            foreach (var (name, value) in headers)
            {
                state.PushText(name);
                state.PushText(value);
                state.RawSet(-3);
            }

            state.SetField(-2, "headers");
        }
    }
}
