using System.Buffers;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// Reads a response body as soon as the headers arrive: into memory up to the cap, or, with
/// <c>save_to_file</c> and a 2xx status, streamed into a temporary file that is moved into place
/// only when complete.
/// </summary>
internal sealed class ResponseReader(HttpRequestSpec spec, CancellationToken cancellationToken)
{
    private const int CopyBufferBytes = 81920;

    /// <summary>The outcome once a response was read; null when none arrived.</summary>
    public HttpResult? Result { get; private set; }

    public async ValueTask ReadAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var headers = ResponseHeaders.Of(response); // read now: the body read may dispose the response
        try
        {
            if (spec.SaveToFile is { } target && response.IsSuccessStatusCode)
            {
                await SaveAsync(response, target).ConfigureAwait(false);
                Result = HttpResult.FromResponse(status, [], response.ReasonPhrase);
                return;
            }

            var body = await ReadCappedAsync(response).ConfigureAwait(false);
            if (body is null)
            {
                Result = new HttpResult(status, [], $"response body is larger than {spec.MaxBodyBytes / (1024 * 1024)} MB; use save_to_file to stream it to disk", false);

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
            if (Result is { Status: > 0 } arrived)
            {
                Result = arrived with { Headers = headers };
            }
        }
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
                var read = await stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                // Shorter than announced: a HEAD response, or a 204/304 with a length header.
                return read == body.Length ? body : body[..read];
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
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return memory.ToArray();
        }
    }

    private async Task SaveAsync(HttpResponseMessage response, string target)
    {
        var file = DownloadFile.Create(target);
        await using (file.ConfigureAwait(false))
        {
            var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
                try
                {
                    // Reading is the connection's business, writing the disk's: each fails in its own words.
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            await file.CompleteAsync().ConfigureAwait(false);
        }
    }
}
