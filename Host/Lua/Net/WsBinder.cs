using PluginNet.Core.Resources;
using PluginNet.Core.Transports;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua.Net;

/// <summary>
/// <c>net.ws</c> for one script: the glue checks arguments and keeps the callbacks; the raw functions
/// open, send to and close connections on whichever WebSocket client transport is current; the
/// transport's events come back through the dispatcher to the glue's <c>deliver</c> on the menu thread.
/// Every connection is in the script's ledger until it has closed.
/// </summary>
internal sealed class WsBinder : IScriptModule
{
    // How long an unloading script's connections get for a polite close (1001) before they are aborted.
    private static readonly TimeSpan UnloadCloseTimeout = TimeSpan.FromSeconds(2);

    private static readonly byte[] MessageKind = "message"u8.ToArray();

    public void Install(ScriptRuntime script) => new Binding(script).Install();

    private sealed class Binding(ScriptRuntime script)
    {
        // Menu thread only. A connection leaves when its close has been delivered to the script.
        private readonly Dictionary<long, Connection> _connections = [];
        private int _deliverRef;
        private long _nextId;

        private ScriptRuntime Script => script;

        public void Install() =>
            _deliverRef = script.InstallNetPart("ws", new()
            {
                ["connect"] = Connect,
                ["send"] = Send,
                ["close"] = Close,
                ["is_open"] = IsOpen,
            }, WebSocketLimits.MaxMessageBytes);

        // raw.connect(url) -> id: a connection that cannot be made reports on_error + on_close. Only a
        // missing transport fails here (nil, err), like net.http, so the script hears it at the call.
        private int Connect(LuaState state)
        {
            if (script.Services.Transports.WebSocketClient is null)
            {
                return state.ReturnError("no plugin provides the ws transport; enable one that serves ws in plugins.json (the WsClient plugin does) or load it with the console's `plugin load NAME`, then call again");
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

        private void Post(Action work) => script.Services.Dispatcher.Post(script.Scope, work);

        private void Post(Action<object?, object?> work, object first, object second) =>
            script.Services.Dispatcher.Post(script.Scope, work, first, second);

        // deliver(id, "message", msg): the hot path, with nothing allocated between the transport's
        // array and the Lua string (the kind's bytes are cached; no closure).
        private void DeliverMessage(long id, byte[] payload)
        {
            if (script.IsDisposed)
            {
                return;
            }

            var state = script.State;
            var top = state.GetTop();
            script.PushRef(_deliverRef);
            state.PushInteger(id);
            state.PushBuffer(MessageKind);
            state.PushBuffer(payload);
            script.CallProtected(3, top, "net.ws callback");
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

            if (script.IsDisposed)
            {
                return;
            }

            var state = script.State;
            var top = state.GetTop();
            script.PushRef(_deliverRef);
            state.PushInteger(id);
            state.PushText(kind);
            pushArguments?.Invoke(state);
            script.CallProtected(2 + argumentCount, top, "net.ws callback");
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
                var provider = binding.Script.Services.Transports.WebSocketClient;
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
                    && binding.Script.Services.Permissions().For(binding.Script.ScriptPath).CheckWs(target) is { } denied)
                {
                    Fail(denied); // like a refused connection: on_error, then on_close(1006)
                    return;
                }

                // In the ledger before the transport can report anything, so OnClose always finds it.
                var ledger = binding.Script.Scope.Ledger;
                _entry = ledger.Add(ResourceKind.Connection, provider.PluginName, Describe, ReleaseAsync);
                try
                {
                    Transport = provider.Transport.Connect(
                        new WebSocketConnectRequest(url, WebSocketLimits.HandshakeTimeout, WebSocketLimits.MaxMessageBytes), this);
                }
#pragma warning disable CA1031 // A faulty transport becomes on_error + on_close, never an error in the script.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    ledger.Remove(_entry);
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
                if (_entry is { } entry)
                {
                    binding.Script.Scope.Ledger.Remove(entry);
                }

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
