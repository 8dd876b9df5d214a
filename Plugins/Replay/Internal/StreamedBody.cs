using System.Buffers;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// Replays a recorded body to a listener that streams it: in pieces, in order, each awaited before the
/// next (as the real transport does), with download progress after each.
/// </summary>
internal static class StreamedBody
{
    /// <summary>The size of the pieces; an event stream's events still arrive split across pieces, as from a network.</summary>
    public const int PieceBytes = 16 * 1024;

    public static async Task DeliverAsync(RecordedBody body, IHttpExchangeListener listener, CancellationToken cancellationToken)
    {
        var total = body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(PieceBytes);
        try
        {
            var stream = body.OpenRead();
            await using (stream.ConfigureAwait(false))
            {
                long received = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(0, PieceBytes), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await listener.OnBodyChunkAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    received += read;
                    listener.OnDownloadProgress(received, total);
                }

                if (received == 0)
                {
                    listener.OnDownloadProgress(0, 0);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
