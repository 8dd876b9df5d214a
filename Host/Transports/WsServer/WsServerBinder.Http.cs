using System.Text;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using PluginNet.Host.Output;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

// The HTTP side of net.ws_server: srv:route, srv:static, the requests routes receive and res:send.
internal sealed partial class WsServerBinder
{
    private sealed partial class Binding
    {
        private const int Request = 5;

        /// <summary>Requests delivered to a route and not yet over, by request id (menu thread).</summary>
        private readonly Dictionary<long, IHttpResponse> _answers = [];
        private long _lastRequest;

        // The HTTP options of raw.listen(port, ws_path, max_body_bytes, answer_timeout): nil keeps plugins.json's.
        private HttpServerOptions HttpOptions(LuaState state)
        {
            var limits = Net.WsServer;
            return new HttpServerOptions
            {
                WebSocketPath = state.ToText(2),
                MaxBodyBytes = state.IsNil(3) ? limits.MaxRequestBodyBytes : state.ToInteger(3),
                AnswerTimeout = state.ToOptionalNumber(4) is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(limits.AnswerTimeoutS),
                MaxHeadBytes = limits.MaxRequestHeadBytes,
                RequestTimeout = TimeSpan.FromSeconds(limits.RequestTimeoutS),
                MaxConcurrentRequests = limits.MaxConcurrentRequests,
            };
        }

        // raw.route(id, method, path) -> route id | nil, reason
        private int Route(LuaState state)
        {
            if (Routing(state, out var unavailable) is not { } routing)
            {
                return ReturnRefusal(state, unavailable);
            }

            try
            {
                state.PushInteger(routing.AddRoute(state.ToText(2) ?? "", state.ToText(3) ?? ""));
                return 1;
            }
            catch (ArgumentException ex)
            {
                return ReturnRefusal(state, ex.Message.Split(" (Parameter", 2)[0]);
            }
        }

        // raw.static(id, prefix, folder) -> true | nil, reason
        private int Static(LuaState state)
        {
            if (Routing(state, out var unavailable) is not { } routing)
            {
                return ReturnRefusal(state, unavailable);
            }

            var folder = StaticFolderRule.Resolve(
                state.ToText(3) ?? "", Path.GetDirectoryName(Path.GetFullPath(Script.ScriptPath))!, Net.DownloadDirectory, out var refusal);
            if (folder is null)
            {
                return ReturnRefusal(state, refusal);
            }

            try
            {
                routing.AddStaticFolder(state.ToText(2) ?? "", folder);
                state.PushBoolean(true);
                return 1;
            }
            catch (ArgumentException ex)
            {
                return ReturnRefusal(state, ex.Message.Split(" (Parameter", 2)[0]);
            }
        }

        // raw.answer(request, status, body, name1, value1, ...) -> bool: false when the request is over.
        private int Answer(LuaState state)
        {
            if (!_answers.Remove(state.ToInteger(1), out var response))
            {
                state.PushBoolean(false);
                return 1;
            }

            var status = (int)state.ToInteger(2);
            var body = state.ToBytes(3) ?? [];
            var headers = new List<KeyValuePair<string, string>>();
            for (var i = 4; i + 1 <= state.GetTop(); i += 2)
            {
                headers.Add(new(Encoding.Latin1.GetString(state.ToBytes(i) ?? []), Encoding.Latin1.GetString(state.ToBytes(i + 1) ?? [])));
            }

            if (ResponseHeaderRule.Refusal(headers) is { } refusal)
            {
                // Nothing of it goes out: a line break in a header would split the response.
                Script.Services.Output.Log(LogLevel.Error, Script.Scope.Name, $"res:send: {refusal}; answered 500 instead");
                response.Send(500, [], ReadOnlyMemory<byte>.Empty);
                state.PushBoolean(false);
                return 1;
            }

            state.PushBoolean(response.Send(status, headers, body));
            return 1;
        }

        // The server of raw.f(id, ...) as a router, or null and why not.
        private IHttpRouting? Routing(LuaState state, out string reason)
        {
            reason = "this server is closed";
            if (!_servers.TryGetValue(state.ToInteger(1), out var slot) || slot.Server is not { IsOpen: true } server)
            {
                return null;
            }

            reason = "the WsServer plugin in use serves no HTTP (no routes or static folders); use one that does";
            return server as IHttpRouting;
        }

        private static int ReturnRefusal(LuaState state, string reason)
        {
            state.PushNil();
            state.PushText(reason);
            return 2;
        }

        private void PostRequest(long id, long route, IncomingRequest request, IHttpResponse response) =>
            Post(() => DeliverRequest(id, route, request, response));

        private void DeliverRequest(long id, long route, IncomingRequest request, IHttpResponse response)
        {
            if (!BeginDelivery(out var state, out var top))
            {
                // No handler runs in an unloaded script.
                response.Send(503, [], ReadOnlyMemory<byte>.Empty);
                return;
            }

            var requestId = ++_lastRequest;
            _answers[requestId] = response;
            response.Ended.Register(() => Post(() => _answers.Remove(requestId)));

            state.PushInteger(id);
            state.PushInteger(Request);
            state.PushInteger(requestId);
            state.PushInteger(route);
            IncomingRequestTable.Push(state, request);
            state.PushBuffer(request.Body.ToArray());
            state.SetField(-2, "body");
            EndDelivery(5, top);
        }
    }
}
