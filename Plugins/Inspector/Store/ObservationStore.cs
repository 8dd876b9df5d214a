using PluginNet.Core.Observation;

namespace PluginNet.Plugins.Inspector.Store;

/// <summary>
/// What the inspector has seen, in arrival order, bounded by bytes: past <see cref="MaxBytes"/> the oldest
/// items are evicted (and counted), so an inspector left open never grows without bound. Thread-safe; the
/// observer's side only copies and appends under a short lock, and wakes a waiting page when there is one.
/// </summary>
internal sealed class ObservationStore(long maxBytes)
{
    // How many recent changes a page can catch up from; one further behind gets everything again.
    private const int ChangeLogLength = 8192;

    private readonly Lock _gate = new();
    private readonly Queue<Item> _items = new();
    private readonly Dictionary<long, Item> _bySeq = [];
    private readonly Dictionary<(string Script, long Id), HttpItem> _openHttp = [];
    private readonly Queue<(long Version, long Seq)> _changes = new();
    private readonly Dictionary<string, long> _seen = [];
    private readonly Dictionary<string, long> _evicted = [];
    private readonly ScriptTable _scripts = new();
    private TaskCompletionSource? _changed;
    private long _bytes;
    private long _seq;
    private long _version;
    private long _logFloor;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Bytes held now (never above <see cref="MaxBytes"/> once an add returns).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public ScriptTable Scripts => _scripts;

    public void Add(Item item)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            item.Seq = ++_seq;
            _items.Enqueue(item);
            _bySeq[item.Seq] = item;
            _bytes += item.Cost;
            _seen[item.Kind] = _seen.GetValueOrDefault(item.Kind) + 1;
            if (item is HttpItem http && http.Done is null)
            {
                _openHttp[(http.Script, http.Id)] = http;
            }

            wake = Changed(item);
        }

        wake?.TrySetResult();
    }

    /// <summary>Completes the exchange started earlier (or stores it whole when its start was not seen or was evicted).</summary>
    public void FinishHttp(HttpObservation finished, int previewLimit)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (!_openHttp.Remove((finished.Script, finished.Id), out var item))
            {
                item = null;
            }

            if (item is null)
            {
                item = new HttpItem(finished, previewLimit);
                item.Complete(finished, previewLimit);
                item.Seq = ++_seq;
                _items.Enqueue(item);
                _bySeq[item.Seq] = item;
                _bytes += item.Cost;
                _seen["http"] = _seen.GetValueOrDefault("http") + 1;
            }
            else
            {
                var before = item.Cost;
                item.Complete(finished, previewLimit);
                _bytes += item.Cost - before;
            }

            wake = Changed(item);
        }

        wake?.TrySetResult();
    }

    /// <summary>Forgets everything (the page's Clear); counts start again.</summary>
    public void Clear()
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _items.Clear();
            _bySeq.Clear();
            _openHttp.Clear();
            _changes.Clear();
            _seen.Clear();
            _evicted.Clear();
            _bytes = 0;
            _logFloor = ++_version;
            wake = _changed;
            _changed = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>What changed after <paramref name="since"/> (a version from an earlier read; 0 for everything).</summary>
    public StoreBatch Read(long since)
    {
        lock (_gate)
        {
            List<Item> items;
            var full = since < _logFloor || since == 0;
            if (full)
            {
                items = [.. _items];
            }
            else
            {
                var seqs = new SortedSet<long>(_changes.Where(c => c.Version > since).Select(c => c.Seq));
                items = [.. seqs.Select(s => _bySeq.GetValueOrDefault(s)).OfType<Item>()];
            }

            var oldest = _items.Count > 0 ? _items.Peek().Seq : _seq + 1;
            return new StoreBatch(_version, full, oldest, items, new Dictionary<string, long>(_seen), new Dictionary<string, long>(_evicted), _bytes, MaxBytes);
        }
    }

    /// <summary>Every item kept now, oldest first.</summary>
    public IReadOnlyList<Item> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    public Item? Find(long seq)
    {
        lock (_gate)
        {
            return _bySeq.GetValueOrDefault(seq);
        }
    }

    /// <summary>Completes when something changed after <paramref name="since"/>, or on cancellation.</summary>
    public Task WaitAsync(long since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_version > since)
            {
                return Task.CompletedTask;
            }

            _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _changed.Task.WaitAsync(cancellationToken);
        }
    }

    // Under the lock: records the change, evicts past the bound, and hands back the waiter to wake.
    private TaskCompletionSource? Changed(Item item)
    {
        item.Version = ++_version;
        _changes.Enqueue((_version, item.Seq));
        while (_changes.Count > ChangeLogLength)
        {
            _logFloor = _changes.Dequeue().Version;
        }

        while (_bytes > MaxBytes && _items.Count > 0)
        {
            var old = _items.Dequeue();
            _bySeq.Remove(old.Seq);
            _bytes -= old.Cost;
            _evicted[old.Kind] = _evicted.GetValueOrDefault(old.Kind) + 1;
            if (old is HttpItem http)
            {
                _openHttp.Remove((http.Script, http.Id));
            }
        }

        var wake = _changed;
        _changed = null;
        return wake;
    }
}

/// <summary>
/// One read of the store: the version read up to, whether it is everything (else only what changed),
/// the oldest sequence number still kept (a page drops rows below it: evicted), the items, and the counts.
/// </summary>
internal sealed record StoreBatch(
    long Version, bool Full, long Oldest, IReadOnlyList<Item> Items,
    IReadOnlyDictionary<string, long> Seen, IReadOnlyDictionary<string, long> Evicted, long Bytes, long MaxBytes);
