namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// The <c>idle_timeout</c> of one exchange: a token that is cancelled when no byte has moved for the
/// idle time. Armed when the exchange starts and paused while a connection is made (that is
/// <c>connect_timeout</c>'s business); every piece of the request body sent and every read of the
/// response puts it back to the full time.
/// </summary>
internal sealed class IdleWatch : IDisposable
{
    private readonly CancellationTokenSource? _timer;

    public IdleWatch(TimeSpan idle)
    {
        Idle = idle;
        if (idle != Timeout.InfiniteTimeSpan)
        {
            _timer = new CancellationTokenSource(idle);
        }
    }

    public TimeSpan Idle { get; }

    /// <summary>Cancelled when the idle time passed without a byte; never for no idle timeout.</summary>
    public CancellationToken Token => _timer?.Token ?? CancellationToken.None;

    /// <summary>True once the idle time ran out.</summary>
    public bool Fired => _timer?.IsCancellationRequested == true;

    /// <summary>Something moved: the idle time starts again (no effect once it fired).</summary>
    public void Reset()
    {
        if (_timer is { IsCancellationRequested: false } timer)
        {
            timer.CancelAfter(Idle);
        }
    }

    /// <summary>A connection is being made: the idle time does not run until <see cref="Reset"/>.</summary>
    public void Pause()
    {
        if (_timer is { IsCancellationRequested: false } timer)
        {
            timer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
