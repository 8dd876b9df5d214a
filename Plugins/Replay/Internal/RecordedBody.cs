namespace PluginNet.Plugins.Replay.Internal;

/// <summary>A recorded body: bytes kept from the JSON file, or a side file read when served.</summary>
internal sealed class RecordedBody
{
    private const int CopyBufferBytes = 81920;

    private readonly byte[]? _bytes;
    private readonly string? _path;

    private RecordedBody(byte[]? bytes, string? path)
    {
        _bytes = bytes;
        _path = path;
    }

    public static RecordedBody FromBytes(byte[] bytes) => new(bytes, null);

    public static RecordedBody FromFile(string path) => new(null, path);

    /// <summary>Its size in bytes.</summary>
    /// <exception cref="IOException">The side file is gone.</exception>
    public long Length => _bytes?.LongLength ?? new FileInfo(_path!).Length;

    public async Task<byte[]> ReadAllAsync(CancellationToken cancellationToken) =>
        _bytes ?? await File.ReadAllBytesAsync(_path!, cancellationToken).ConfigureAwait(false);

    /// <summary>A stream over the body, from the start.</summary>
    public Stream OpenRead() =>
        _bytes is not null
            ? new MemoryStream(_bytes, writable: false)
            : new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferBytes, useAsync: true);

    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (_bytes is not null)
        {
            await destination.WriteAsync(_bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        var source = new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferBytes, useAsync: true);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(destination, CopyBufferBytes, cancellationToken).ConfigureAwait(false);
        }
    }
}
