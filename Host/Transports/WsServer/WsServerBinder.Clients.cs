using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

// net.ws_server's raw functions that reach a server's clients: send, buffered, broadcast, disconnect
// and client_count, over the set of clients the script has heard open.
internal sealed partial class WsServerBinder
{
    private sealed partial class Binding
    {
        // The clients of send, broadcast, disconnect and client_count are one set: those whose on_open
        // the script has had and whose on_close it has not (ServerSlot.Opened). A client the transport
        // has accepted but the script has not heard of yet is not counted and gets nothing, so a script
        // that counts a client can reach it, and a client's first message is what on_open sends it.

        // raw.send(id, client, msg, is_text) -> bool
        private int Send(LuaState state)
        {
            var server = FindOpened(state, out var client);
            var payload = state.ToBytes(3) ?? [];
            var isText = state.ToBoolean(4);
            var sent = server is not null && (isText ? server.Send(client, payload) : server.Send(client, payload, isText: false));
            if (sent && Net.Observer is not null)
            {
                ObserveSent(_servers[state.ToInteger(1)], client, payload, isText);
            }

            state.PushBoolean(sent);
            return 1;
        }

        // raw.buffered(id, client) -> bytes queued for that client and not yet sent
        private int Buffered(LuaState state)
        {
            var server = FindOpened(state, out var client);
            state.PushInteger(server?.BufferedBytes(client) ?? 0);
            return 1;
        }

        // raw.broadcast(id, msg, is_text): to the clients the script has heard open (as in Node, where
        // 'connection' fires before any broadcast can reach the new client).
        private int Broadcast(LuaState state)
        {
            if (!_servers.TryGetValue(state.ToInteger(1), out var slot) || slot.Server is not { } server)
            {
                return 0;
            }

            var message = state.ToBytes(2) ?? [];
            var isText = state.ToBoolean(3);
            if (Volatile.Read(ref slot.OpensOnTheWay) == 0)
            {
                if (isText)
                {
                    server.Broadcast(message); // text through the seed's members: plugins written before binary work unchanged
                }
                else
                {
                    server.Broadcast(message, isText: false);
                }

                ObserveBroadcast(slot, message, isText);
            }
            else
            {
                foreach (var client in slot.Opened)
                {
                    if (isText ? server.Send(client, message) : server.Send(client, message, isText: false))
                    {
                        ObserveSent(slot, client, message, isText);
                    }
                }
            }

            return 0;
        }

        // raw.disconnect(id, client, code, reason) -> bool
        private int Disconnect(LuaState state)
        {
            var server = FindOpened(state, out var client);
            state.PushBoolean(server is not null && server.Disconnect(client, (int)state.ToInteger(3), state.ToText(4) ?? ""));
            return 1;
        }

        private int ClientCount(LuaState state)
        {
            state.PushInteger(_servers.TryGetValue(state.ToInteger(1), out var slot) && slot.Server is not null ? slot.Opened.Count : 0);
            return 1;
        }

        // The server of raw.f(id, client, ...) when that client is in the script's set, else null.
        private IWebSocketServer? FindOpened(LuaState state, out long client)
        {
            client = state.ToInteger(2);
            return _servers.TryGetValue(state.ToInteger(1), out var slot) && slot.Opened.Contains(client) ? slot.Server : null;
        }
    }
}
