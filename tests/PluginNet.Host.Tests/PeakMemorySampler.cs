namespace PluginNet.Host.Tests;

/// <summary>Samples the managed heap every few milliseconds on a background thread and keeps the peak.</summary>
internal sealed class PeakMemorySampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public PeakMemorySampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Baseline = GC.GetTotalMemory(true);
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                var now = GC.GetTotalMemory(false);
                if (now > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, now);
                }

                Thread.Sleep(2);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public long Baseline { get; }

    public (long Baseline, long Peak) Stop()
    {
        _stop = true;
        _thread.Join();
        return (Baseline, Interlocked.Read(ref _peak));
    }

    public void Dispose()
    {
        _stop = true;
    }
}
