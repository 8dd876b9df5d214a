namespace PluginNet.Host.Transports;

/// <summary>
/// Passes one exchange's progress (download or upload) to the script at most once per frame: the
/// transport reports as often as it likes from its threads, the script hears the latest numbers,
/// and once more at the end, before the response, if they moved since.
/// </summary>
internal sealed class ProgressThrottle(IHttpScriptSink sink, long id, int what)
{
    private long _done;
    private long _total = -1;
    private int _posted;   // 1: numbers are newer than what the script heard (a post or a frame will show them)
    private int _reported; // 1: the transport reported at least once

    // Menu thread only.
    private bool _waitingForFrame;
    private bool _stopped;
    private long _shownDone = -1;
    private long _shownTotal = -1;

    /// <summary>True once the transport reported progress at all.</summary>
    public bool Reported => Volatile.Read(ref _reported) == 1;

    /// <summary>The transport's latest numbers. Any thread.</summary>
    public void Update(long done, long total)
    {
        Volatile.Write(ref _total, total);
        Volatile.Write(ref _done, done);
        Volatile.Write(ref _reported, 1);
        if (Interlocked.Exchange(ref _posted, 1) == 0)
        {
            sink.Post(static (self, _) => ((ProgressThrottle)self!).OnPosted(), this, null);
        }
    }

    /// <summary>
    /// The response is about to be delivered: shows the final numbers if the script has not seen them
    /// (<paramref name="fallback"/>, when the transport never reported, as done and total), then stops.
    /// </summary>
    public void Finish(long? fallback)
    {
        if (_stopped)
        {
            return;
        }

        if (!Reported && fallback is { } size)
        {
            Show(size, size);
        }
        else if (Reported)
        {
            Show(Volatile.Read(ref _done), Volatile.Read(ref _total));
        }

        _stopped = true;
    }

    /// <summary>Nothing more reaches the script (cancelled, failed).</summary>
    public void Stop() => _stopped = true;

    private void OnPosted()
    {
        if (!_stopped && !_waitingForFrame)
        {
            ShowLatest();
        }
    }

    private void OnFrame()
    {
        _waitingForFrame = false;
        if (!_stopped && Volatile.Read(ref _posted) == 1)
        {
            ShowLatest();
        }
    }

    private void ShowLatest()
    {
        Volatile.Write(ref _posted, 0); // a report from now on posts again
        Show(Volatile.Read(ref _done), Volatile.Read(ref _total));
        _waitingForFrame = true;
        sink.AtNextFrame(OnFrame);
    }

    private void Show(long done, long total)
    {
        if (done == _shownDone && total == _shownTotal)
        {
            return;
        }

        _shownDone = done;
        _shownTotal = total;
        sink.DeliverProgress(id, what, done, total);
    }
}
