using System.Net.Http.Headers;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// The request bodies streamed from disk: <see cref="HttpRequestSpec.BodyFile"/> and
/// <see cref="HttpRequestSpec.Multipart"/>. Every file is opened before anything is sent, so a file
/// that vanished since the host checked it fails the request with nothing on the wire; then it is
/// read in pieces as the connection takes them, never whole into memory.
/// </summary>
internal static class RequestContent
{
    private const int FileBufferBytes = 81920;

    /// <summary>
    /// The streamed body of <paramref name="spec"/>, or null when its body is the in-memory one. Throws <see cref="RequestContentException"/>
    /// when a file cannot be opened.
    /// </summary>
    public static HttpContent? Open(HttpRequestSpec spec)
    {
        HttpContent? content = null;
        try
        {
            if (spec.Multipart is { } parts)
            {
                content = Multipart(parts);
            }
            else if (spec.BodyFile is { } path)
            {
                content = FileContent(path, "body_file");
                if (spec.ContentType is not null)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", spec.ContentType);
                }
            }
        }
        catch (RequestContentException)
        {
            content?.Dispose();
            throw;
        }

        return content; // upload progress: ExchangeInterceptor wraps every body (UploadProgressContent)
    }

    private static MultipartFormDataContent Multipart(IReadOnlyList<HttpMultipartPart> parts)
    {
        var form = new MultipartFormDataContent();
        try
        {
            foreach (var part in parts)
            {
                HttpContent content;
                string? fileName = null;
                if (part.FilePath is { } path)
                {
                    content = FileContent(path, $"multipart part '{part.Name}'");
                    fileName = part.FileName ?? Path.GetFileName(path);
                    content.Headers.ContentType = Parse(part.ContentType ?? "application/octet-stream");
                }
                else
                {
                    content = new StringContent(part.Value ?? string.Empty);
                    if (part.ContentType is not null)
                    {
                        content.Headers.ContentType = Parse(part.ContentType);
                    }
                }

                // Quoted name and filename (the setters quote them), as browsers send them.
                content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = part.Name, FileName = fileName };
                form.Add(content);
            }
        }
        catch
        {
            form.Dispose();
            throw;
        }

        return form;
    }

    private static MediaTypeHeaderValue Parse(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            ? parsed
            : throw new RequestContentException($"content_type '{contentType}' is not a media type (such as image/png)");

    private static StreamContent FileContent(string path, string what)
    {
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return new StreamContent(file, FileBufferBytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RequestContentException($"{what}: cannot read {path}: {ex.Message}");
        }
    }
}

/// <summary>A request body that cannot be prepared; its message is the script's error (nothing was sent).</summary>
internal sealed class RequestContentException(string message) : Exception(message);
