using System.Diagnostics;
using PluginNet.Core.Resources;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>
/// One request of a script from <c>send</c> to its callback: the transport and request, the token that
/// stops it, its ledger entry, its listener, and whether it ran or was cancelled first.
/// </summary>
internal sealed class HttpExchange(long id, IHttpTransport transport, HttpRequestSpec spec, HttpExchangeListener? listener)
{
    private const int Waiting = 0;
    private const int Running = 1;
    private const int CancelledBeforeRunning = 2;

    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private int _phase;
    private volatile string? _cancelReason;

    public long Id { get; } = id;

    public IHttpTransport Transport { get; } = transport;

    public HttpRequestSpec Spec { get; } = spec;

    public HttpExchangeListener? Listener { get; } = listener;

    /// <summary>Cancelled by the script, an unload or a failing stream callback. Never disposed: it holds no timer.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Completes when the transport is done with the exchange (LastRequests waits on it at unload).</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LedgerEntry? Entry { get; set; }

    /// <summary>Why the script ended it early ("cancelled", a stream callback's failure), or null.</summary>
    public string? CancelReason => _cancelReason;

    /// <summary>Seconds since the script sent it.</summary>
    public double Elapsed => Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;

    /// <summary>Moves it from waiting to running; false when it was cancelled while it waited.</summary>
    public bool TryRun()
    {
        var ran = Interlocked.CompareExchange(ref _phase, Running, Waiting) == Waiting;
        if (ran)
        {
            Queued = Stopwatch.GetElapsedTime(_startedAt);
        }

        return ran;
    }

    /// <summary>When the script sent it (for an observer).</summary>
    public DateTimeOffset SentAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Time it waited in its script's queue before it ran; zero until it runs.</summary>
    public TimeSpan Queued { get; private set; }

    /// <summary>
    /// The script ends it with <paramref name="reason"/>. True when it had not started, so the caller
    /// answers the script now; false when the transport is stopped and the answer comes when it returns.
    /// </summary>
    public bool Cancel(string reason)
    {
        _cancelReason ??= reason;
        Listener?.Stop();
        if (Interlocked.CompareExchange(ref _phase, CancelledBeforeRunning, Waiting) == Waiting)
        {
            return true;
        }

        _ = Cancellation.CancelAsync();
        return false;
    }
}
