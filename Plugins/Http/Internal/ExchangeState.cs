using System.Diagnostics;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// What the handlers under RestSharp need to know about one exchange, carried on the request
/// message's options (and copied to every redirect hop): how many redirects to follow and how many
/// were, the connect timeout, the idle watch a new connection resets, and the exchange's timings
/// (when the host asked for them).
/// </summary>
internal sealed class ExchangeState(HttpRequestSpec spec, IdleWatch idle, long started)
{
    private const long NotYet = -1;
    private long _connected = NotYet;
    private long _firstByte = NotYet;

    public static readonly HttpRequestOptionsKey<ExchangeState> Key = new("PluginNet.Exchange");

    public int MaxRedirects { get; } = spec.MaxRedirects;

    public TimeSpan ConnectTimeout { get; } = spec.ConnectTimeout;

    public IdleWatch Idle { get; } = idle;

    /// <summary>Whether the host asked for timings (an observer is attached); if not, the marks do nothing.</summary>
    public bool Measures { get; } = spec.MeasureTimings;

    /// <summary>Redirects followed so far.</summary>
    public int Redirects { get; set; }

    /// <summary>Ticks since the transport was handed the request.</summary>
    public long Elapsed => Stopwatch.GetElapsedTime(started).Ticks;

    /// <summary>
    /// The first hop has a connection: when a new one (its TLS included) was ready, from the handler's
    /// PlaintextStreamFilter; else, at the end of the first hop, when that hop was handed to the
    /// connection pool (a reused connection: near zero). The first mark wins.
    /// </summary>
    public void MarkConnected(long elapsed)
    {
        if (Measures)
        {
            Interlocked.CompareExchange(ref _connected, elapsed, NotYet);
        }
    }

    /// <summary>The final response's status line and headers arrived.</summary>
    public void MarkFirstByte()
    {
        if (Measures)
        {
            Interlocked.CompareExchange(ref _firstByte, Elapsed, NotYet);
        }
    }

    /// <summary>The result with what was measured, when the host asked for timings; else the result as it is.</summary>
    public HttpResult WithTimings(HttpResult result) => Measures ? result with { Timings = Timings() } : result;

    /// <summary>What was measured; null when no response arrived or nothing was measured.</summary>
    private HttpTimings? Timings()
    {
        var connected = Volatile.Read(ref _connected);
        var firstByte = Volatile.Read(ref _firstByte);
        return firstByte == NotYet && connected == NotYet
            ? null
            : new HttpTimings(connected == NotYet ? null : TimeSpan.FromTicks(connected), firstByte == NotYet ? null : TimeSpan.FromTicks(firstByte));
    }

    public static ExchangeState? Of(HttpRequestMessage? message) =>
        message is not null && message.Options.TryGetValue(Key, out var state) ? state : null;
}
