using KeraLua;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// <c>net.http</c> for one script: the glue checks arguments, the raw <c>send</c> validates and starts
/// the request on whichever HTTP transport is current, and the response comes back through the
/// dispatcher to the glue's <c>deliver</c> on the menu thread. Every pending request is in the ledger.
/// The exchanges themselves (queue, cancel, delivery) are in HttpBinder.Exchanges.cs, what reaches the
/// script before the response (progress, pieces, events) in HttpBinder.Streams.cs.
/// </summary>
internal sealed partial class HttpBinder(NetServices net) : IScriptModule
{
    public void Install(ScriptRuntime script) => new Binding(script, net).Install();

    private sealed partial class Binding(ScriptRuntime script, NetServices net) : TransportBinding<IHttpTransport>(script, net, TransportKind.Http)
    {
        private readonly ScriptCookieJar _cookies = new();

        protected override Dictionary<string, Func<LuaState, int>> RawFunctions()
        {
            Script.PushUtil();
            Script.RunGlue("http_bodies", 1, 0); // adds util.http_bodies, which http.lua calls
            return new()
            {
                ["send"] = Send,
                ["cancel"] = Cancel,
                ["set_handle_meta"] = SetHandleMeta,
            };
        }

        protected override long[] GlueArguments() => [Net.MaxHttpBodyBytes];

        // raw.send(url, method, headers?, body?, content_type?, save_to_file?, timeout?, more, bodies?, retry?) -> id, handle | nil, err
        private int Send(LuaState state)
        {
            if (Current is not { } provider)
            {
                return NoProvider(state);
            }

            var id = ++_nextId;
            var url = state.ToText(1) ?? string.Empty;
            var method = state.ToText(2) ?? "GET";
            var more = HttpMoreOptions.Read(state, 8);
            var spec = BuildRequest(state, url, method, out var refusal);
            if (spec is not null && more.Refusal() is { } refused)
            {
                (spec, refusal) = (null, refused);
            }

            if (spec is null)
            {
                // Refused before anything was sent: the callback still gets its answer, asynchronously.
                var failure = HttpResult.Failure(refusal);
                Post(() => Deliver(id, failure, 0));
            }
            else
            {
                var listener = more.Listens ? new HttpExchangeListener(this, id, more.Progress, more.UploadProgress, more.Stream) : null;
                // Every request goes through the host's governor (and its retries), whichever plugin carries it.
                var governed = new GovernedExchange(Net.HttpGovernor, provider.Transport, RetryOptions.Read(state, 10), Warn);
                Start(new HttpExchange(id, governed, more.ApplyTo(spec, Net.MaxHttpBodyBytes, listener), listener), provider.PluginName);
            }

            state.PushInteger(id);
            PushHandle(state);
            return 2;
        }

        private void Warn(string message) => Script.Services.Output.Log(Output.LogLevel.Warn, Script.Scope.Name, message);

        private HttpRequestSpec? BuildRequest(LuaState state, string url, string method, out string refusal)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                refusal = UrlRules.PortOutOfRange(url) is { } port
                    ? $"refused: {port}"
                    : $"refused: '{url}' is not an absolute http:// or https:// URL";
                return null;
            }

            var permissions = Permissions;
            if (permissions.CheckHttp(uri) is { } denied)
            {
                refusal = denied;
                return null;
            }

            var headers = ReadHeaders(state, 3, out refusal);
            if (headers is null)
            {
                return null;
            }

            uri = UrlRules.MoveUserInfoToHeader(uri, headers); // user:password@ is sent as Basic authorization

            var contentType = state.ToText(5) is { Length: > 0 } given ? given : null; // "" is no Content-Type
            if (contentType is not null && HasLineBreak(contentType))
            {
                refusal = "refused: content_type contains a line break";
                return null;
            }

            string? target = null;
            var saveToFile = state.ToText(6);
            if (!string.IsNullOrEmpty(saveToFile))
            {
                target = DownloadFolder.Resolve(Net.DownloadDirectory, saveToFile, out var pathError);
                if (target is null)
                {
                    refusal = "refused: " + pathError;
                    return null;
                }
            }

            var timeout = state.ToOptionalNumber(7) is { } seconds
                ? HttpTimeout.FromSeconds(seconds)
                : Net.DefaultHttpTimeout;
            if (RequestBodies.Read(state, 9, Net.DownloadDirectory, out refusal) is not { } bodies)
            {
                refusal = "refused: " + refusal;
                return null;
            }

            return bodies.ApplyTo(
                new HttpRequestSpec(method, uri, headers, state.ToBytes(4) ?? [], contentType, timeout, target, Net.MaxHttpBodyBytes)
                {
                    CheckRedirect = permissions.CheckHttp, // permissions hold on every redirect hop too
                    Connection = Net.ConnectionRules.For(permissions), // addresses and TLS, checked by the plugin
                    MeasureTimings = Net.Observer is not null, // an inspector shows them; nobody else pays for them
                },
                () => _cookies.Jar);
        }

        private static List<KeyValuePair<string, string>>? ReadHeaders(LuaState state, int index, out string refusal)
        {
            var headers = new List<KeyValuePair<string, string>>();
            refusal = string.Empty;
            if (state.Type(index) != LuaType.Table)
            {
                return headers;
            }

            state.PushNil();
            while (state.Next(index))
            {
                // The glue has checked that keys and values are strings, so reading them in place is safe.
                var name = state.ToText(-2)!;
                var value = state.ToText(-1)!;
                state.Pop(1);
                if (name.Length == 0 || HasLineBreak(name) || name.Any(c => c is ':' or ' ' or '\t') || HasLineBreak(value))
                {
                    state.Pop(1);
                    refusal = $"refused: header '{name.ReplaceLineEndings("\\n")}' has a line break or an invalid name";
                    return null;
                }

                if (RequestHeaderRules.Refusal(name) is { } rule)
                {
                    state.Pop(1);
                    refusal = "refused: " + rule;
                    return null;
                }

                headers.Add(new(name, value));
            }

            return headers;
        }

        private static bool HasLineBreak(string text) => text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;
    }
}
