using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// Record mode's listener for a streamed body: passes everything on to the script's listener and keeps
/// a copy of each piece, so the cassette holds the whole body (replay hands it out in pieces again).
/// </summary>
internal sealed class StreamedBodyCopy(IHttpExchangeListener script) : IHttpExchangeListener
{
    private readonly MemoryStream _copy = new();

    /// <summary>Every piece so far, in order.</summary>
    public ReadOnlyMemory<byte> Body => _copy.GetBuffer().AsMemory(0, (int)_copy.Length);

    public bool StreamsBody => true;

    public void OnUploadProgress(long sent, long total) => script.OnUploadProgress(sent, total);

    public void OnDownloadProgress(long received, long total) => script.OnDownloadProgress(received, total);

    public ValueTask OnBodyChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        _copy.Write(chunk.Span); // before the script's listener: the memory is the transport's again after it
        return script.OnBodyChunkAsync(chunk, cancellationToken);
    }
}
