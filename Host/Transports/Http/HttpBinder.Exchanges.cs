using PluginNet.Core.Observation;
using System.Collections.Concurrent;
using PluginNet.Core.Resources;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;

namespace PluginNet.Host.Transports;

// The exchanges of one script: started in order within the concurrency limit, cancelled on request,
// and answered through the glue's deliver.
internal sealed partial class HttpBinder
{
    private sealed partial class Binding
    {
        private readonly Lock _gate = new();
        private readonly Queue<Action> _waiting = new();
        private readonly ConcurrentQueue<HttpExchange> _starts = new();
        private readonly Dictionary<long, HttpExchange> _exchanges = []; // menu thread: the requests not answered yet
        private int _draining;
        private long _nextId;
        private int _inFlight;

        // raw.cancel(id, reason): the request ends with ok = false and `reason`; nothing if it was answered.
        private int Cancel(KeraLua.Lua state)
        {
            if (!_exchanges.TryGetValue(state.ToInteger(1), out var exchange))
            {
                return 0;
            }

            if (exchange.Cancel(state.ToText(2) ?? "cancelled") && Untrack(exchange.Entry))
            {
                // It never reached the transport: answer now (its slot in the queue is skipped).
                var failure = HttpResult.Failure(exchange.CancelReason!);
                Post(() => Deliver(exchange.Id, failure, exchange.Elapsed));
            }

            return 0;
        }

        private void Start(HttpExchange exchange, string pluginName)
        {
            _exchanges[exchange.Id] = exchange;
            var spec = exchange.Spec;
            exchange.Entry = Track(
                ResourceKind.PendingRequest,
                pluginName,
                () => $"{spec.Method} {spec.Url}{(exchange.Transport as GovernedExchange)?.Describe()}",
                async reason =>
                {
                    if (reason == ReleaseReason.ScriptUnloaded && exchange.Transport is GovernedExchange governed && !governed.StopAfterThisAttempt())
                    {
                        // It was only waiting (its turn, a hold, a back-off): that wait is over, nothing more is sent.
                        exchange.Listener?.Stop();
                        await exchange.Cancellation.CancelAsync().ConfigureAwait(false);
                        return;
                    }

                    if (reason == ReleaseReason.ScriptUnloaded && exchange.Listener is not { StreamsBody: true })
                    {
                        // Not cancelled: a script's last request still goes out; its response is dropped.
                        // (A streamed body has nobody left to take it: that one is cancelled.)
                        exchange.Listener?.Stop();
                        Net.LastRequests.Adopt(pluginName, exchange.Cancellation, exchange.Finished.Task);
                        return;
                    }

                    exchange.Listener?.Stop();
                    await exchange.Cancellation.CancelAsync().ConfigureAwait(false);
                    if (reason == ReleaseReason.PluginUnloaded)
                    {
                        var failure = HttpResult.Failure($"the http transport (plugin '{pluginName}') was unloaded before the response arrived");
                        Post(() => Deliver(exchange.Id, failure, exchange.Elapsed));
                    }
                });

            // The transport runs on the thread pool, not inside the script's call: building and
            // writing the request (RestSharp, HttpClient, the socket write) costs far more than the
            // Lua side, and on the menu thread it would eat the frame's callback budget. One drain at
            // a time starts them, in the order the script made them (Replay relies on that order).
            void Begin()
            {
                _starts.Enqueue(exchange);
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

        private async Task RunAsync(HttpExchange exchange)
        {
            var cancel = exchange.Cancellation;
            HttpResult result;
            try
            {
                if (!exchange.TryRun() || cancel.IsCancellationRequested)
                {
                    return; // cancelled or released while it waited in the queue
                }

                Observe(exchange, HttpObservationPhase.Started, null);

                result = await exchange.Transport.SendAsync(exchange.Spec, cancel.Token).ConfigureAwait(false);
                if (exchange.Listener is { } listener)
                {
                    result = await listener.CompleteAsync(result, cancel.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested && exchange.CancelReason is null)
            {
                return; // released by an unload: the ledger decided what the script hears
            }
            catch (OperationCanceledException) when (exchange.CancelReason is not null)
            {
                result = HttpResult.Failure(exchange.CancelReason); // set below too
            }
#pragma warning disable CA1031 // A faulty transport becomes an ok=false response, never a lost callback.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                result = HttpResult.Failure($"the http transport failed: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                OnFinished();
                exchange.Finished.TrySetResult();
            }

            if (exchange.CancelReason is { } reason)
            {
                // The script ended it: that is its answer, whatever the transport made of the cancellation.
                result = HttpResult.Failure(reason);
            }

            Observe(exchange, HttpObservationPhase.Finished, result);
            if (Untrack(exchange.Entry))
            {
                var elapsed = exchange.Elapsed;
                Post(() => Deliver(exchange.Id, result, elapsed));
            }
        }

        // One null check when nobody watches; the event is built only for an observer.
        private void Observe(HttpExchange exchange, HttpObservationPhase phase, HttpResult? result)
        {
            if (Net.Observer is { } observer)
            {
                observer.OnHttp(new HttpObservation(Script.Scope.Name, exchange.Id, phase, exchange.Spec, exchange.SentAt, exchange.Queued)
                {
                    Result = result,
                    Duration = result is null ? TimeSpan.Zero : TimeSpan.FromSeconds(exchange.Elapsed),
                    Cancelled = exchange.CancelReason is not null,
                });
            }
        }

        private void Deliver(long id, HttpResult result, double elapsed)
        {
            if (_exchanges.Remove(id, out var exchange))
            {
                exchange.Listener?.Finish(result); // the last progress comes before the response
            }

            if (!BeginDelivery(out var state, out var top))
            {
                return;
            }

            state.PushInteger(0);
            state.PushInteger(id);
            state.PushInteger(result.Status);
            state.PushBuffer(result.Body);
            state.PushText(result.Error);
            state.PushBoolean(result.Ok);
            PushHeaderList(state, result.Headers);
            if (result.FinalUrl is { } url)
            {
                state.PushText(url.ToString());
            }
            else
            {
                state.PushNil();
            }

            state.PushInteger(result.Redirects);
            state.PushNumber(elapsed);
            state.PushNumber(result.Waited.TotalSeconds);
            state.PushInteger(result.Attempts);
            EndDelivery(12, top);
        }

        // { { name, value }, ... } in arrival order.
        private static void PushHeaderList(KeraLua.Lua state, IReadOnlyList<KeyValuePair<string, string>> headers)
        {
            state.CreateTable(headers.Count, 0);
            for (var i = 0; i < headers.Count; i++)
            {
                state.CreateTable(2, 0);
                state.PushText(headers[i].Key);
                state.RawSetInteger(-2, 1);
                state.PushText(headers[i].Value);
                state.RawSetInteger(-2, 2);
                state.RawSetInteger(-2, i + 1);
            }
        }
    }
}
