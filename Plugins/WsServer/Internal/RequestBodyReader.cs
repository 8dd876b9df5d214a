using System.Buffers;
using Microsoft.AspNetCore.Http;
using BadRequest = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>Reads a request body byte for byte, within the body cap and the request timeout.</summary>
internal static class RequestBodyReader
{
    /// <summary>The body, or null after answering the refusal (413 too large, 408 too slow, 400 malformed).</summary>
    /// <remarks>Throws <see cref="OperationCanceledException"/> when the client goes away.</remarks>
    public static async Task<byte[]?> ReadAsync(HttpContext context, long maxBytes, TimeSpan timeout)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge).ConfigureAwait(false);
            return null;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        limit.CancelAfter(timeout);
        var body = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length ? (int)length : 256);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(body.GetMemory(4096), limit.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return body.WrittenSpan.ToArray();
                }

                body.Advance(read);
                if (body.WrittenCount > maxBytes)
                {
                    await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge).ConfigureAwait(false);
                    return null;
                }
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await RefuseAsync(context, StatusCodes.Status408RequestTimeout).ConfigureAwait(false);
            return null;
        }
        catch (BadRequest ex)
        {
            // Kestrel's own checks: its body size limit, its minimum data rate (a slow sender), bad chunking.
            await RefuseAsync(context, ex.StatusCode).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>A bare refusal; the connection is closed after it, since the rest of the body is unread.</summary>
    private static Task RefuseAsync(HttpContext context, int status)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Connection = "close";
        }

        return Task.CompletedTask;
    }
}
