namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>
/// Bytes that clients may hold in messages still arriving: one budget per server, each drawing also
/// on one shared by every server of the process, so many clients each sending a message just under
/// the size limit cannot together exhaust memory. A reservation refused by either is refused.
/// </summary>
internal sealed class ReassemblyBudget
{
    private readonly ReassemblyBudget? _parent;
    private long _limit;
    private long _used;

    public ReassemblyBudget(long limit, ReassemblyBudget? parent)
    {
        _limit = limit;
        _parent = parent;
    }

    /// <summary>The budget every server of this process draws on (its limit follows the latest listen request).</summary>
    public static ReassemblyBudget Process { get; } = new(long.MaxValue, null);

    /// <summary>Bytes reserved now.</summary>
    public long Used => Interlocked.Read(ref _used);

    public void SetLimit(long limit) => Interlocked.Exchange(ref _limit, limit);

    /// <summary>Reserves <paramref name="bytes"/> here and in the parent; false (nothing reserved) when either would go past its limit.</summary>
    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _used, bytes) > Interlocked.Read(ref _limit))
        {
            Interlocked.Add(ref _used, -bytes);
            return false;
        }

        if (_parent is not null && !_parent.TryReserve(bytes))
        {
            Interlocked.Add(ref _used, -bytes);
            return false;
        }

        return true;
    }

    /// <summary>Counts <paramref name="bytes"/> already allocated, whatever the limit (a connection's first small buffer).</summary>
    public void Add(long bytes)
    {
        Interlocked.Add(ref _used, bytes);
        _parent?.Add(bytes);
    }

    public void Release(long bytes)
    {
        Interlocked.Add(ref _used, -bytes);
        _parent?.Release(bytes);
    }
}
