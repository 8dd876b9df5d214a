using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>
/// The host's per-host HTTP governor, shared by every script: it paces requests to a host at the rate
/// plugins.json sets (a token bucket per host, System.Threading.RateLimiting) and holds them while a
/// server has asked for a pause (Retry-After, X-RateLimit-*). It sits in the host, in front of whichever
/// plugin serves <c>net.http</c>, so swapping the plugin cannot take it away and what it learned survives
/// a plugin reload.
/// </summary>
/// <remarks>
/// Requests to one host are admitted one after another in the order they asked, so held requests keep their
/// order and none is dropped; a hold on one server-named bucket therefore also holds the host's requests
/// queued behind it (order first). Thread-safe.
/// </remarks>
internal sealed class HttpGovernor : IDisposable
{
    private const int MaxRememberedLanes = 4096;
    private readonly ConcurrentDictionary<string, RateLimiter?> _rates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _bucketOfRoute = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _holds = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public HttpGovernor(HttpRateLimits limits, TimeProvider? time = null)
    {
        Limits = limits;
        _time = time ?? TimeProvider.System;
    }

    public HttpRateLimits Limits { get; }

    /// <summary>
    /// Waits for the request's turn: behind earlier requests to the same host or bucket, through any hold a
    /// server asked for, then for a token of the host's rate. Returns how long it waited.
    /// </summary>
    /// <param name="url">The request's URL.</param>
    /// <param name="method">Its method (a server's bucket is per route: method and path).</param>
    /// <param name="holding">Told what the request waits for (null when it no longer waits), for <c>status</c>.</param>
    /// <param name="cancellationToken">Cancel, unload: the wait ends at once.</param>
    public async Task<TimeSpan> AdmitAsync(Uri url, string method, Action<string?> holding, CancellationToken cancellationToken)
    {
        var authority = Authority(url);
        var bucket = _bucketOfRoute.GetValueOrDefault(Route(authority, method, url));
        var lane = LaneFor(authority);
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (lane.Gate)
        {
            previous = lane.Tail;
            lane.Tail = turn.Task;
        }

        var started = _time.GetTimestamp();
        var waited = false;
        try
        {
            if (!previous.IsCompleted)
            {
                waited = true;
                holding($"queued behind earlier requests to {authority}");
                await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            // A loop: another response may extend the hold while this one waits.
            while (HeldUntil(authority, bucket) - _time.GetUtcNow() is { Ticks: > 0 } left)
            {
                waited = true;
                holding($"held {left.TotalSeconds:0.0} s more: {authority} asked for a pause");
                await Task.Delay(left, _time, cancellationToken).ConfigureAwait(false);
            }

            if (RateFor(url) is { } rate)
            {
                var acquiring = rate.AcquireAsync(1, cancellationToken);
                if (!acquiring.IsCompleted)
                {
                    waited = true;
                    holding($"paced by the rate limit for {url.Host}");
                }

                using var lease = await acquiring.ConfigureAwait(false);
            }

            return waited ? _time.GetElapsedTime(started) : TimeSpan.Zero;
        }
        finally
        {
            holding(null);

            // The next request's turn comes when this one is admitted, or gave up but the one before it is through.
            if (previous.IsCompleted)
            {
                turn.TrySetResult();
            }
            else
            {
                _ = previous.ContinueWith(_ => turn.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Learns from a response: a requested pause holds further requests to the host (or to the bucket the
    /// server names) until then, cut to <see cref="HttpRateLimits.MaxHold"/>. Returns what the response asked,
    /// and a problem to report when a header was absurd (negative, unparsable, too far away).
    /// </summary>
    public (ServerWait Asked, string? Problem) Observe(Uri url, string method, HttpResult result)
    {
        var now = _time.GetUtcNow();
        var asked = ServerWait.Read(result, now);
        var authority = Authority(url);
        if (_holds.Count > MaxRememberedLanes || _bucketOfRoute.Count > MaxRememberedLanes)
        {
            // Forget what has run out, so many hosts or routes cannot grow these without end.
            foreach (var expired in _holds.Where(h => h.Value <= now))
            {
                _holds.TryRemove(expired);
            }

            _bucketOfRoute.Clear();
        }

        if (asked.Bucket is { Length: > 0 } named)
        {
            _bucketOfRoute[Route(authority, method, url)] = named;
        }

        var problem = asked.Problem;
        if (asked.Wait is not { } wait || wait <= TimeSpan.Zero)
        {
            return (asked, problem);
        }

        if (wait > Limits.MaxHold)
        {
            problem = $"{authority} asked to wait {wait.TotalSeconds:0} s; holding its requests {Limits.MaxHold.TotalSeconds:0} s (limits.http.max_hold_s)";
            wait = Limits.MaxHold;
        }

        var key = asked.Bucket is { Length: > 0 } bucket && !asked.Global ? authority + "|" + bucket : authority;
        var until = now + wait;
        _holds.AddOrUpdate(key, until, (_, earlier) => earlier > until ? earlier : until);
        return (asked, problem);
    }

    /// <summary>The holds in force now, for <c>status</c>: host or bucket, and time left.</summary>
    public IReadOnlyList<(string Target, TimeSpan Left)> Holds()
    {
        var now = _time.GetUtcNow();
        return [.. _holds.Where(h => h.Value > now).Select(h => (h.Key.Replace('|', ' '), h.Value - now)).OrderBy(h => h.Item1, StringComparer.Ordinal)];
    }

    public void Dispose()
    {
        foreach (var limiter in _rates.Values)
        {
            limiter?.Dispose();
        }
    }

    // One token bucket per host (name and port) with a configured rate, refilled by its own timer one token per
    // 1/per_second. (PartitionedRateLimiter refills its partitions on a 100 ms tick, which caps them at 10/s.)
    private RateLimiter? RateFor(Uri url) =>
        _rates.GetOrAdd(Authority(url), static (_, rate) => rate is null ? null : new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / rate.PerSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }), Limits.For(url.Host));

    private DateTimeOffset HeldUntil(string authority, string? bucket)
    {
        var until = _holds.GetValueOrDefault(authority);
        if (bucket is not null && _holds.TryGetValue(authority + "|" + bucket, out var own) && own > until)
        {
            until = own;
        }

        return until;
    }

    private Lane LaneFor(string key)
    {
        if (_lanes.Count > MaxRememberedLanes)
        {
            // Forget idle lanes so a script touring many hosts cannot grow this without end.
            foreach (var (name, idle) in _lanes.Where(l => l.Value.Tail.IsCompleted))
            {
                _lanes.TryRemove(new KeyValuePair<string, Lane>(name, idle));
            }
        }

        return _lanes.GetOrAdd(key, static _ => new Lane());
    }

    private static string Authority(Uri url) => url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";

    private static string Route(string authority, string method, Uri url) => $"{method} {authority}{url.AbsolutePath}";

    private sealed class Lane
    {
        public Lock Gate { get; } = new();

        public Task Tail { get; set; } = Task.CompletedTask;
    }
}
