namespace PluginNet.Host.Transports;

/// <summary>
/// HTTP requests that were still pending when their script unloaded: a script's last words (a
/// goodbye or webhook ping made with <c>script.unload()</c>, or from its own <c>script_unloaded</c>
/// handler) still go on the wire. Their responses are dropped; each ends at the latest
/// <see cref="Grace"/> after its script unloaded (sooner when its own timeout says so), and at once
/// when the plugin that carries it unloads.
/// </summary>
/// <remarks>One per engine; thread-safe.</remarks>
internal sealed class LastRequests
{
    /// <summary>How long a request may outlive its script.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly HashSet<Adopted> _adopted = [];

    /// <summary>Takes over a request of an unloaded script: it goes on, bounded by <see cref="Grace"/> from now.</summary>
    /// <param name="pluginName">The plugin whose transport carries it.</param>
    /// <param name="cancel">Cancels the request.</param>
    /// <param name="finished">Completes when the request has ended, whatever the outcome.</param>
    public void Adopt(string pluginName, CancellationTokenSource cancel, Task finished)
    {
        var adopted = new Adopted(pluginName, cancel, finished);
        lock (_gate)
        {
            _adopted.Add(adopted);
        }

        cancel.CancelAfter(Grace);
        finished.ContinueWith(
            static (_, state) =>
            {
                var (owner, done) = ((LastRequests, Adopted))state!;
                lock (owner._gate)
                {
                    owner._adopted.Remove(done);
                }
            },
            (this, adopted),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Cancels the requests <paramref name="pluginName"/> carries and waits (bounded) until they have ended.</summary>
    public Task CancelPluginAsync(string pluginName) => CancelAsync(a => a.PluginName == pluginName);

    /// <summary>Waits until every request has ended (each is bounded by <see cref="Grace"/>), then cancels any left.</summary>
    public async Task DrainAsync()
    {
        Task[] finishing;
        lock (_gate)
        {
            finishing = [.. _adopted.Select(a => a.Finished)];
        }

        var all = Task.WhenAll(finishing);
        if (await Task.WhenAny(all, Task.Delay(Grace)).ConfigureAwait(false) != all)
        {
            await CancelAsync(_ => true).ConfigureAwait(false);
        }
    }

    private async Task CancelAsync(Func<Adopted, bool> select)
    {
        Adopted[] taken;
        lock (_gate)
        {
            taken = [.. _adopted.Where(select)];
        }

        foreach (var adopted in taken)
        {
            await adopted.Cancel.CancelAsync().ConfigureAwait(false);
        }

        // A transport ends a cancelled request at once; the bound only guards against one that does not.
        await Task.WhenAny(Task.WhenAll(taken.Select(a => a.Finished)), Task.Delay(Grace)).ConfigureAwait(false);
    }

    private sealed class Adopted(string pluginName, CancellationTokenSource cancel, Task finished)
    {
        public string PluginName { get; } = pluginName;

        public CancellationTokenSource Cancel { get; } = cancel;

        public Task Finished { get; } = finished;
    }
}
