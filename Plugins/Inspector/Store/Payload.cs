namespace PluginNet.Plugins.Inspector.Store;

/// <summary>
/// A body or message as the inspector keeps it: a copy of at most the first <c>limit</c> bytes (the
/// host's buffer is shared, and an open inspector must not hold whole downloads) and the full size.
/// </summary>
internal sealed class Payload
{
    public static readonly Payload Empty = new([], 0);

    private Payload(byte[] kept, long size)
    {
        Kept = kept;
        Size = size;
    }

    /// <summary>The first bytes, at most the limit it was made with.</summary>
    public byte[] Kept { get; }

    /// <summary>The whole payload's size in bytes.</summary>
    public long Size { get; }

    /// <summary>True when <see cref="Kept"/> is less than the whole payload.</summary>
    public bool Truncated => Kept.LongLength < Size;

    public static Payload Copy(ReadOnlySpan<byte> data, int limit) =>
        data.Length == 0 ? Empty : new Payload(data[..Math.Min(data.Length, limit)].ToArray(), data.Length);
}
