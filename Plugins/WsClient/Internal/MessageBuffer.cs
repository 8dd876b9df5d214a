using System.Buffers;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>
/// Reassembles one incoming message in a buffer that grows up to the message limit and never past it.
/// Buffers up to 1 MB come from the shared pool, so for ordinary messages the only allocation is the
/// final <c>byte[]</c> handed to the host; bigger ones are plain arrays dropped after the message, so a
/// hostile 64 MB message does not leave 64 MB parked in the process-wide pool.
/// </summary>
/// <remarks>Used by one receive loop at a time; not thread-safe.</remarks>
internal sealed class MessageBuffer : IDisposable
{
    private const int InitialSize = 16 * 1024;

    // After a big message the connection goes back to a buffer of at most this size.
    private const int KeepSize = 256 * 1024;

    // Largest buffer taken from (and returned to) the shared pool.
    private const int PoolLimit = 1024 * 1024;

    private readonly int _limit;
    private byte[] _buffer;
    private byte[]? _probe;
    private int _length;

    public MessageBuffer(long limit)
    {
        _limit = (int)Math.Clamp(limit, 1, Array.MaxLength);
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialSize, _limit));
    }

    /// <summary>Bytes of the current message received so far (at most the limit).</summary>
    public int Length => _length;

    /// <summary>
    /// Where the next receive should write. When the message already fills the limit this is a
    /// one-byte probe: any byte that lands there means the message is too big.
    /// </summary>
    public Memory<byte> GetSpace()
    {
        var capacity = Math.Min(_buffer.Length, _limit);
        if (_length == capacity)
        {
            if (_length >= _limit)
            {
                return _probe ??= new byte[1];
            }

            Grow();
            capacity = Math.Min(_buffer.Length, _limit);
        }

        return _buffer.AsMemory(_length, capacity - _length);
    }

    /// <summary>Records <paramref name="count"/> bytes written into the space from <see cref="GetSpace"/>.</summary>
    /// <returns>False when the bytes went to the probe: the message is over the limit.</returns>
    public bool Advance(int count)
    {
        if (count == 0)
        {
            return true;
        }

        if (_length >= _limit)
        {
            return false;
        }

        _length += count;
        return true;
    }

    /// <summary>Scratch space for bytes that are read only to be thrown away.</summary>
    public Memory<byte> Discard() => _buffer.AsMemory(0, Math.Min(_buffer.Length, _limit));

    /// <summary>Copies the message out (exactly its length) and starts the next one.</summary>
    public byte[] Take()
    {
        var message = _buffer.AsSpan(0, _length).ToArray();
        Reset();
        return message;
    }

    /// <summary>Forgets the current message and shrinks back if it had grown large.</summary>
    public void Reset()
    {
        _length = 0;
        if (_buffer.Length > KeepSize)
        {
            Release(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialSize, _limit));
        }
    }

    public void Dispose()
    {
        Release(_buffer);
        _buffer = [];
        _length = 0;
    }

    private static void Release(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= PoolLimit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow()
    {
        var size = (int)Math.Min((long)_buffer.Length * 2, _limit);
        var bigger = size <= PoolLimit ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        Release(_buffer);
        _buffer = bigger;
    }
}
