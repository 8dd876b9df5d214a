using System.Collections.Concurrent;
using KeraLua;
using PluginNet.Core.Resources;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// <c>net.http</c> for one script: the glue checks arguments, the raw <c>send</c> validates and starts
/// the request on whichever HTTP transport is current, and the response comes back through the
/// dispatcher to the glue's <c>deliver</c> on the menu thread. Every pending request is in the ledger.
/// </summary>
internal sealed class HttpBinder(NetServices net) : IScriptModule
{
    public void Install(ScriptRuntime script) => new Binding(script, net).Install();

    private sealed class Binding(ScriptRuntime script, NetServices net) : TransportBinding<IHttpTransport>(script, net, TransportKind.Http)
    {
        private readonly Lock _gate = new();
        private readonly Queue<Action> _waiting = new();
        private readonly ConcurrentQueue<PendingStart> _starts = new();
        private readonly ConcurrentDictionary<long, (CancellationTokenSource Cancel, LedgerEntry Entry)> _cancellable = new();
        private int _draining;
        private long _nextId;
        private int _inFlight;

        protected override Dictionary<string, Func<LuaState, int>> RawFunctions() => new() { ["send"] = Send, ["cancel"] = Cancel };

        // raw.cancel(id): a task waiting on the request was cancelled. The request is aborted (the
        // server sees the connection close) and leaves the ledger; no response is delivered.
        private int Cancel(LuaState state)
        {
            if (_cancellable.TryRemove(state.ToInteger(1), out var request) && Untrack(request.Entry))
            {
                request.Cancel.Cancel();
            }

            return 0;
        }

        // raw.send(url, method, headers?, body?, content_type?, save_to_file?, timeout?) -> id | nil, err
        private int Send(LuaState state)
        {
            if (Current is not { } provider)
            {
                return NoProvider(state);
            }

            var id = ++_nextId;
            var url = state.ToText(1) ?? string.Empty;
            var method = state.ToText(2) ?? "GET";
            var spec = BuildRequest(state, url, method, out var refusal);
            if (spec is null)
            {
                // Refused before anything was sent: the callback still gets its answer, asynchronously.
                var failure = HttpResult.Failure(refusal);
                Post(() => Deliver(id, failure));
            }
            else
            {
                Start(id, provider.PluginName, provider.Transport, spec);
            }

            state.PushInteger(id);
            return 1;
        }

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
            refusal = string.Empty;
            return new HttpRequestSpec(method, uri, headers, state.ToBytes(4) ?? [], contentType, timeout, target, Net.MaxHttpBodyBytes)
            {
                CheckRedirect = permissions.CheckHttp, // permissions hold on every redirect hop too
                Connection = Net.ConnectionRules.For(permissions), // addresses and TLS, checked by the plugin
            };
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

        private void Start(long id, string pluginName, IHttpTransport transport, HttpRequestSpec spec)
        {
            // Never disposed on purpose: the ledger may cancel it at any time; it holds no timer or handle.
            var cancel = new CancellationTokenSource();
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = DateTimeOffset.UtcNow;
            var entry = Track(
                ResourceKind.PendingRequest,
                pluginName,
                () => $"{spec.Method} {spec.Url}",
                async reason =>
                {
                    if (reason == ReleaseReason.ScriptUnloaded)
                    {
                        // Not cancelled: a script's last request still goes out; its response is dropped.
                        Net.LastRequests.Adopt(pluginName, cancel, finished.Task);
                        return;
                    }

                    await cancel.CancelAsync().ConfigureAwait(false);
                    if (reason == ReleaseReason.PluginUnloaded)
                    {
                        var failure = HttpResult.Failure($"the http transport (plugin '{pluginName}') was unloaded before the response arrived");
                        Post(() => Deliver(id, failure));
                    }
                });
            _cancellable[id] = (cancel, entry);
            // The transport runs on the thread pool, not inside the script's call: building and
            // writing the request (RestSharp, HttpClient, the socket write) costs far more than the
            // Lua side, and on the menu thread it would eat the frame's callback budget. One drain at
            // a time starts them, in the order the script made them (Replay relies on that order).
            void Begin()
            {
                _starts.Enqueue(new PendingStart(id, transport, spec, cancel, entry, finished));
                if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static binding => binding.DrainStarts(), this, preferLocal: false);
                }
            }

            lock (_gate)
            {
                if (_inFlight >= Net.MaxConcurrentRequestsPerScript)
                {
                    _waiting.Enqueue(Begin); // sent, in order, when an earlier request finishes
                    return;
                }

                _inFlight++;
            }

            Begin();
        }

        // Starts queued requests in order; each runs synchronously up to its first await.
        private void DrainStarts()
        {
            while (true)
            {
                while (_starts.TryDequeue(out var start))
                {
                    _ = RunAsync(start);
                }

                Volatile.Write(ref _draining, 0);
                // A start enqueued after the loop emptied but before the flag cleared is ours to run.
                if (_starts.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                {
                    return;
                }
            }
        }

        // One request left the wire: the next queued one takes its place.
        private void OnFinished()
        {
            Action? next;
            lock (_gate)
            {
                if (!_waiting.TryDequeue(out next))
                {
                    _inFlight--;
                }
            }

            next?.Invoke();
        }

        private async Task RunAsync(PendingStart start)
        {
            var (id, transport, spec, cancel, entry, finished) = start;
            HttpResult result;
            try
            {
                if (cancel.IsCancellationRequested)
                {
                    return; // released while it waited in the queue
                }

                result = await transport.SendAsync(spec, cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return; // released by an unload: the ledger decided what the script hears
            }
#pragma warning disable CA1031 // A faulty transport becomes an ok=false response, never a lost callback.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                result = HttpResult.Failure($"the http transport failed: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                _cancellable.TryRemove(id, out _);
                OnFinished();
                finished.TrySetResult();
            }

            if (Untrack(entry))
            {
                Post(() => Deliver(id, result));
            }
        }

        private sealed record PendingStart(
            long Id, IHttpTransport Transport, HttpRequestSpec Spec, CancellationTokenSource Cancel, LedgerEntry Entry, TaskCompletionSource Finished);

        private void Deliver(long id, HttpResult result)
        {
            if (!BeginDelivery(out var state, out var top))
            {
                return;
            }

            state.PushInteger(id);
            state.PushInteger(result.Status);
            state.PushBuffer(result.Body);
            state.PushText(result.Error);
            state.PushBoolean(result.Ok);
            EndDelivery(5, top);
        }
    }
}
