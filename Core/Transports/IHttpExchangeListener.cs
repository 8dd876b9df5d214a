namespace PluginNet.Core.Transports;

/// <summary>
/// Hears one exchange as it happens: upload and download progress, and, when
/// <see cref="StreamsBody"/> is true, the response body piece by piece instead of in
/// <see cref="HttpResult.Body"/>. Set by the host on <see cref="HttpRequestSpec.Listener"/>.
/// </summary>
/// <remarks>
/// Called from the transport's threads, never from the menu thread. A transport calls the progress
/// methods as often as it likes (the host throttles what reaches a script); it awaits
/// <see cref="OnBodyChunkAsync"/> before reading further, so a slow listener slows the download instead
/// of buffering it. A listener that throws ends the exchange: the transport reports it as a failure.
/// </remarks>
public interface IHttpExchangeListener
{
    /// <summary>True: the body is handed to <see cref="OnBodyChunkAsync"/> and the result's body stays empty.</summary>
    bool StreamsBody { get; }

    /// <summary>Bytes of the request body sent so far; <paramref name="total"/> is -1 when unknown.</summary>
    void OnUploadProgress(long sent, long total);

    /// <summary>Bytes of the response body received so far; <paramref name="total"/> is -1 when unknown.</summary>
    void OnDownloadProgress(long received, long total);

    /// <summary>
    /// The next piece of the response body, in order (any status). The memory is the transport's again
    /// once the task completes: copy what is kept.
    /// </summary>
    ValueTask OnBodyChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken);
}
