using PluginNet.Core.Resources;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// <c>net.ws</c> for one script: the glue checks arguments and keeps the callbacks; the raw functions
/// open, send to and close connections on whichever WebSocket client transport is current; the
/// transport's events come back through the dispatcher to the glue's <c>deliver</c> on the menu thread.
/// Every connection is in the script's ledger until it has closed.
/// </summary>
internal sealed class WsBinder(NetServices net) : IScriptModule
{
    // How long an unloading script's connections get for a polite close (1001) before they are aborted.
    private static readonly TimeSpan UnloadCloseTimeout = TimeSpan.FromSeconds(2);

    private static readonly byte[] MessageKind = "message"u8.ToArray();

    public void Install(ScriptRuntime script) => new Binding(script, net).Install();

    private sealed class Binding(ScriptRuntime script, NetServices net) : TransportBinding<IWebSocketClientTransport>(script, net, TransportKind.WebSocketClient)
    {
        // Menu thread only. A connection leaves when its close has been delivered to the script.
        private readonly Dictionary<long, Connection> _connections = [];
        private long _nextId;

        protected override Dictionary<string, Func<LuaState, int>> RawFunctions() => new()
        {
            ["connect"] = Connect,
            ["send"] = Send,
            ["close"] = Close,
            ["is_open"] = IsOpen,
        };

        protected override long[] GlueArguments() => [Net.Ws.MaxMessageBytes];

        // raw.connect(url) -> id: a connection that cannot be made reports on_error + on_close. Only a
        // missing transport fails here (nil, err), like net.http, so the script hears it at the call.
        private int Connect(LuaState state)
        {
            if (Current is null)
            {
                return NoProvider(state);
            }

            var id = ++_nextId;
            var url = state.ToText(1) ?? string.Empty;
            var connection = new Connection(this, id, url);
            _connections.Add(id, connection);
            connection.Start();
            state.PushInteger(id);
            return 1;
        }

        // raw.send(id, msg) -> bool
        private int Send(LuaState state)
        {
            var sent = Find(state) is { Opened: true, Transport: { } transport } && transport.Send(state.ToBytes(2) ?? []);
            state.PushBoolean(sent);
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

        // deliver(id, "message", msg): the hot path, with nothing allocated between the transport's
        // array and the Lua string (the kind's bytes are cached; no closure).
        private void DeliverMessage(long id, byte[] payload)
        {
            if (!BeginDelivery(out var state, out var top))
            {
                return;
            }

            state.PushInteger(id);
            state.PushBuffer(MessageKind);
            state.PushBuffer(payload);
            EndDelivery(3, top);
        }

        // deliver(id, "open") | (id, "message", msg) | (id, "error", err) | (id, "close", code, reason)
        private void Deliver(long id, string kind, Action<LuaState>? pushArguments = null, int argumentCount = 0)
        {
            if (kind == "close")
            {
                _connections.Remove(id);
            }
            else if (kind == "open" && _connections.TryGetValue(id, out var opened))
            {
                // From here on the script may send: it never sees is_open true before its on_open.
                opened.Opened = true;
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

        /// <summary>One script connection: its transport connection, its ledger entry, and the events it posts.</summary>
        private sealed class Connection(Binding binding, long id, string url) : IWebSocketEvents
        {
            private static readonly Action<object?, object?> DeliverMessage =
                static (connection, payload) => ((Connection)connection!).Deliver((byte[])payload!);

            private LedgerEntry? _entry;

            public IWebSocketConnection? Transport { get; private set; }

            /// <summary>True once on_open has been delivered to the script (menu thread).</summary>
            public bool Opened { get; set; }

            public void Start()
            {
                var provider = binding.Current;
                if (provider is null)
                {
                    Fail("no plugin provides the ws transport; enable one that serves ws in plugins.json (the WsClient plugin does) or load it with the console's `plugin load NAME`, then connect again");
                    return;
                }

                if (UrlRules.PortOutOfRange(url) is { } port)
                {
                    Fail($"cannot connect to {url}: {port}");
                    return;
                }

                if (Uri.TryCreate(url, UriKind.Absolute, out var target)
                    && TransportKind.WebSocketClient.Hosts.Check(binding.Permissions, target.Host) is { } denied)
                {
                    Fail(denied); // like a refused connection: on_error, then on_close(1006)
                    return;
                }

                // In the ledger before the transport can report anything, so OnClose always finds it.
                _entry = binding.Track(ResourceKind.Connection, provider.PluginName, Describe, ReleaseAsync);
                try
                {
                    Transport = provider.Transport.Connect(
                        new WebSocketConnectRequest(url, WebSocketLimits.HandshakeTimeout, binding.Net.Ws.MaxMessageBytes)
                        {
                            Connection = binding.ConnectionRules, // addresses and TLS, checked by the plugin
                        },
                        this);
                }
#pragma warning disable CA1031 // A faulty transport becomes on_error + on_close, never an error in the script.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    binding.Untrack(_entry);
                    Fail($"the ws transport (plugin '{provider.PluginName}') failed: {ex.GetType().Name}: {ex.Message}");
                }
            }

            public void Close(int code, string reason)
            {
                if (Transport is { } transport)
                {
                    _ = transport.CloseAsync(code, reason, CancellationToken.None);
                }
            }

            // Transport threads from here on: only post to the menu thread.
            public void OnOpen() => binding.Post(() => binding.Deliver(id, "open"));

            public void OnMessage(byte[] payload, bool isText) => binding.Post(DeliverMessage, this, payload);

            public void OnError(string message) =>
                binding.Post(() => binding.Deliver(id, "error", s => s.PushText(message), 1));

            public void OnClose(int code, string reason)
            {
                binding.Untrack(_entry);

                binding.Post(() => binding.Deliver(id, "close", s => Push(s, code, reason), 2));
            }

            private void Deliver(byte[] payload) => binding.DeliverMessage(id, payload);

            private static void Push(LuaState state, int code, string reason)
            {
                state.PushInteger(code);
                state.PushText(reason);
            }

            private void Fail(string message)
            {
                OnError(message);
                OnClose(WebSocketLimits.AbnormalClosure, message);
            }

            private string Describe() =>
                $"ws {url} ({(Transport is null ? "failed" : Transport.IsOpen ? "open" : "not open")})";

            private async Task ReleaseAsync(ReleaseReason reason)
            {
                if (Transport is not { } transport)
                {
                    return;
                }

                // Going away (1001). On a script unload the dispatcher drops whatever the transport still
                // reports; on a plugin unload the script stays and hears on_close like any other close.
                var why = reason switch
                {
                    ReleaseReason.ScriptUnloaded => "script unloaded",
                    ReleaseReason.PluginUnloaded => "the ws transport is being unloaded",
                    _ => "host stopping",
                };
                using var timeout = new CancellationTokenSource(UnloadCloseTimeout);
                await transport.CloseAsync(WebSocketLimits.GoingAway, why, timeout.Token).ConfigureAwait(false);
                await transport.DisposeAsync().ConfigureAwait(false);
                Transport = null; // nothing of the plugin stays reachable once it may be unloaded
            }
        }
    }
}
