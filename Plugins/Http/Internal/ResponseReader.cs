using System.Buffers;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// Reads a response body as soon as the headers arrive: into memory up to the cap, to the listener in
/// pieces when it streams, or, with <c>save_to_file</c> and a 2xx status, into a temporary file that is
/// moved into place only when complete. Reports download progress and keeps the idle watch fed.
/// </summary>
internal sealed class ResponseReader(HttpRequestSpec spec, IdleWatch idle, CancellationToken cancellationToken)
{
    private const int CopyBufferBytes = 81920;

    private readonly IHttpExchangeListener? _listener = spec.Listener;
    private long _total = -1;

    /// <summary>The outcome once a response was read; null when none arrived.</summary>
    public HttpResult? Result { get; private set; }

    public async ValueTask ReadAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        idle.Reset();
        _total = response.Content.Headers.ContentLength ?? -1;
        try
        {
            if (_listener is { StreamsBody: true })
            {
                Result = await StreamAsync(response).ConfigureAwait(false)
                    ? HttpResult.FromResponse(status, [], response.ReasonPhrase)
                    : TooLarge(status, spec.MaxStreamedBodyBytes!.Value, "streamed");
                return;
            }

            if (spec.SaveToFile is { } target && response.IsSuccessStatusCode)
            {
                Result = await SaveAsync(response, target).ConfigureAwait(false)
                    ? HttpResult.FromResponse(status, [], response.ReasonPhrase)
                    : TooLarge(status, spec.MaxStreamedBodyBytes!.Value, "saved");
                return;
            }

            var body = await ReadCappedAsync(response).ConfigureAwait(false);
            if (body is null)
            {
                Result = TooLarge(status, spec.MaxBodyBytes, null);

                // The rest of the body is not wanted: drop the connection now, or what follows the
                // interceptor may wait on it until the request's timeout (and report a timeout).
                response.Dispose();
                return;
            }

            Result = HttpResult.FromResponse(status, body, response.ReasonPhrase);
        }
        catch (DownloadFileException ex)
        {
            Result = HttpResult.Failure(ex.Message);
        }
        catch (InvalidDataException)
        {
            // The body is compressed (Content-Encoding) but its bytes do not decompress.
            // (The decompressing handler has removed the Content-Encoding header by now.)
            Result = HttpResult.Failure($"the response body from {spec.Url.Host}:{spec.Url.Port} does not decompress: its Content-Encoding says gzip, deflate or br, but the data is not; the server sent a broken compressed body");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or UnauthorizedAccessException)
        {
            Result = HttpResult.Failure(FailureText.Describe(ex, spec.Url));
        }
        finally
        {
            // Whatever came of the body, the response's headers, final URL and redirects arrived.
            Result = Result is null ? null : ResponseDetails.Add(Result, response, spec.Url);
        }
    }

    private HttpResult TooLarge(int status, long limit, string? how) =>
        new(status, [], how is null
            ? spec.MaxBodyBytes == HttpRequestSpec.DefaultMaxBodyBytes
                ? $"response body is larger than {limit / (1024 * 1024)} MB; use save_to_file to stream it to disk"
                : $"response body is larger than max_body ({limit} bytes)"
            : $"response body is larger than max_body ({limit} bytes); the rest was not {how}{(how == "saved" ? " and no file was left" : string.Empty)}", false);

    private void Progress(long received)
    {
        idle.Reset();
        _listener?.OnDownloadProgress(received, _total);
    }

    private async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response)
    {
        var length = response.Content.Headers.ContentLength;
        if (length > spec.MaxBodyBytes)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (length is { } known)
            {
                // The usual case: read straight into the one array the script gets, no copy.
                var body = GC.AllocateUninitializedArray<byte>((int)known);
                var filled = 0;
                int read;
                while (filled < body.Length && (read = await stream.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                    Progress(filled);
                }

                // Shorter than announced: a HEAD response, or a 204/304 with a length header.
                return filled == body.Length ? body : body[..filled];
            }

            using var memory = new MemoryStream();
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (memory.Length + read > spec.MaxBodyBytes)
                    {
                        return null;
                    }

                    await memory.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    Progress(memory.Length);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return memory.ToArray();
        }
    }

    // Copies the body to `write` piece by piece; false when it passed MaxStreamedBodyBytes.
    private async Task<bool> CopyAsync(HttpResponseMessage response, Func<ReadOnlyMemory<byte>, ValueTask> write)
    {
        var limit = spec.MaxStreamedBodyBytes ?? long.MaxValue;
        if (response.Content.Headers.ContentLength > limit)
        {
            return false;
        }

        var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
            try
            {
                long received = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    received += read;
                    if (received > limit)
                    {
                        return false;
                    }

                    await write(buffer.AsMemory(0, read)).ConfigureAwait(false);
                    Progress(received);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return true;
    }

    // The listener awaits each piece before the next read: a slow script slows the download.
    private Task<bool> StreamAsync(HttpResponseMessage response) =>
        CopyAsync(response, chunk => _listener!.OnBodyChunkAsync(chunk, cancellationToken));

    private async Task<bool> SaveAsync(HttpResponseMessage response, string target)
    {
        var file = DownloadFile.Create(target);
        await using (file.ConfigureAwait(false))
        {
            // Reading is the connection's business, writing the disk's: each fails in its own words.
            if (!await CopyAsync(response, bytes => file.WriteAsync(bytes, cancellationToken)).ConfigureAwait(false))
            {
                return false; // disposing the file removes the partial one
            }

            await file.CompleteAsync().ConfigureAwait(false);
            return true;
        }
    }
}
