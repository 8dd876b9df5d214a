using PluginNet.Core.Transports;
using Polly;
using Polly.Retry;

namespace PluginNet.Host.Transports;

/// <summary>
/// One script request on its way through the host's <see cref="HttpGovernor"/> to the HTTP plugin: each
/// attempt waits for its turn, goes on the wire, and teaches the governor what the server said; with a
/// <c>retry</c> option a Polly retry pipeline sends it again (exponential back-off with jitter, a server's
/// Retry-After honoured, both bounded by <c>max_delay</c>). The result says how long it waited and how
/// many attempts it took.
/// </summary>
internal sealed class GovernedExchange(HttpGovernor governor, IHttpTransport inner, RetryOptions? retry, Action<string> report) : IHttpTransport
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private TimeSpan _waited;
    private int _attempts;
    private bool _onWire;
    private bool _stopped;
    private ServerWait? _lastAsked;
    private string? _holding;

    /// <summary>What the request waits for now, for <c>status</c>; empty while it is on the wire.</summary>
    public string Describe()
    {
        var holding = Volatile.Read(ref _holding);
        var attempt = retry is not null && Volatile.Read(ref _attempts) > 1 ? $" (attempt {_attempts} of {retry.Attempts})" : string.Empty;
        return holding is null ? attempt : $"{attempt} [{holding}]";
    }

    /// <summary>
    /// The script unloaded: no further attempt, and any wait (governor hold, back-off) ends now. Returns true
    /// when an attempt is on the wire or not yet begun (it may finish as a script's last request), false when
    /// the request was only waiting and is over.
    /// </summary>
    public bool StopAfterThisAttempt()
    {
        bool onWire;
        lock (_gate)
        {
            _stopped = true;
            onWire = _onWire || _attempts == 0;
        }

        _stop.Cancel();
        return onWire;
    }

    public async Task<HttpResult> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken)
    {
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        HttpResult result;
        try
        {
            result = retry is not null && retry.Allows(request.Method)
                ? await RetryPipeline(retry).ExecuteAsync(
                    static (state, token) => state.Exchange.AttemptAsync(state.Request, token, state.Cancel),
                    (Exchange: this, Request: request, Cancel: cancellationToken),
                    waits.Token).ConfigureAwait(false)
                : await AttemptAsync(request, waits.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _stop.IsCancellationRequested)
        {
            result = HttpResult.Failure("cut short: the script unloaded while the request waited");
        }

        return result with { Waited = _waited, Attempts = Math.Max(1, _attempts) };
    }

    // Waits use `waits` (cancel, unload, script unload); the wire uses only the request's own token, so a
    // script's last request is not cut off mid-exchange.
    private async ValueTask<HttpResult> AttemptAsync(HttpRequestSpec request, CancellationToken waits, CancellationToken wire)
    {
        _waited += await governor.AdmitAsync(request.Url, request.Method, h => Volatile.Write(ref _holding, h), waits).ConfigureAwait(false);
        lock (_gate)
        {
            if (_stopped && _attempts > 0)
            {
                throw new OperationCanceledException(_stop.Token);
            }

            _attempts++;
            _onWire = true;
        }

        try
        {
            var result = await inner.SendAsync(request, wire).ConfigureAwait(false);
            var (asked, problem) = governor.Observe(request.Url, request.Method, result);
            _lastAsked = asked;
            if (problem is not null)
            {
                report($"{request.Method} {request.Url}: {problem}");
            }

            return result;
        }
        finally
        {
            lock (_gate)
            {
                _onWire = false;
            }
        }
    }

    private ResiliencePipeline<HttpResult> RetryPipeline(RetryOptions options) =>
        new ResiliencePipelineBuilder<HttpResult>()
            .AddRetry(new RetryStrategyOptions<HttpResult>
            {
                MaxRetryAttempts = options.Attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.Backoff,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } result && !Volatile.Read(ref _stopped) && options.Covers(result)),
                DelayGenerator = args => ValueTask.FromResult(ServerDelay(options)),
                OnRetry = args =>
                {
                    _waited += args.RetryDelay;
                    Volatile.Write(ref _holding, $"retrying in {args.RetryDelay.TotalSeconds:0.0} s after {Outcome(args.Outcome.Result)}");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    // The server's Retry-After (or rate-limit reset) when it gave one, bounded by max_delay; else null: Polly's back-off.
    private TimeSpan? ServerDelay(RetryOptions options)
    {
        if (_lastAsked?.Wait is not { } asked)
        {
            return null;
        }

        if (asked > options.MaxDelay)
        {
            report($"the server asked to wait {asked.TotalSeconds:0.#} s before retrying; waiting retry.max_delay = {options.MaxDelay.TotalSeconds:0.#} s instead");
            return options.MaxDelay;
        }

        return asked;
    }

    private static string Outcome(HttpResult? result) => result switch
    {
        null => "an error",
        { Status: > 0 } => $"HTTP {result.Status}",
        _ => result.Error,
    };
}
