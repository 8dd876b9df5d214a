using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// Writes one exchange as <c>NNNN-slug.json</c> (with side files for large bodies), by hand with
/// <see cref="Utf8JsonWriter"/>: serializing the plugin's own types with JsonSerializer would cache
/// them globally and pin the plugin's load context.
/// </summary>
internal static class ExchangeWriter
{
    private const int CopyBufferBytes = 81920;

    /// <summary>Writes the exchange; side files first, the JSON file last, each moved into place when complete.</summary>
    /// <returns>The path of the JSON file.</returns>
    public static async Task<string> WriteAsync(string folder, long number, Recording recording, CancellationToken cancellationToken)
    {
        var (request, result, _, streamedBody) = recording;
        Directory.CreateDirectory(folder);
        var stem = CassetteNames.Stem(number, request.Method, request.Url);
        var requestBody = await StoreAsync(folder, stem + CassetteNames.RequestBodySuffix, request.Body, cancellationToken).ConfigureAwait(false);

        StoredBody responseBody;
        var savedToFile = request.SaveToFile is { } saved && result.Ok && File.Exists(saved);
        if (savedToFile)
        {
            // The real transport wrote the body to the script's file: record the file's bytes.
            responseBody = await StoreFileAsync(folder, stem + CassetteNames.ResponseBodySuffix, request.SaveToFile!, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            responseBody = await StoreAsync(folder, stem + CassetteNames.ResponseBodySuffix, streamedBody ?? result.Body, cancellationToken).ConfigureAwait(false);
        }

        var json = Serialize(recording, requestBody, responseBody, savedToFile);
        var path = Path.Combine(folder, stem + CassetteNames.ExchangeExtension);
        await FileTarget.WriteAsync(path, overwrite: false, json, cancellationToken).ConfigureAwait(false);
        return path;
    }

    private static async Task<StoredBody> StoreAsync(string folder, string sideFile, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (body.Length <= CassetteNames.InlineLimit)
        {
            return new StoredBody(body, null);
        }

        await FileTarget.WriteAsync(Path.Combine(folder, sideFile), overwrite: false, body, cancellationToken).ConfigureAwait(false);
        return new StoredBody(ReadOnlyMemory<byte>.Empty, sideFile);
    }

    private static async Task<StoredBody> StoreFileAsync(string folder, string sideFile, string source, CancellationToken cancellationToken)
    {
        if (new FileInfo(source).Length <= CassetteNames.InlineLimit)
        {
            return new StoredBody(await File.ReadAllBytesAsync(source, cancellationToken).ConfigureAwait(false), null);
        }

        await FileTarget.WriteAsync(
            Path.Combine(folder, sideFile),
            overwrite: false,
            async (destination, token) =>
            {
                var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferBytes, useAsync: true);
                await using (input.ConfigureAwait(false))
                {
                    await input.CopyToAsync(destination, CopyBufferBytes, token).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
        return new StoredBody(ReadOnlyMemory<byte>.Empty, sideFile);
    }

    private static byte[] Serialize(Recording recording, StoredBody requestBody, StoredBody responseBody, bool savedToFile)
    {
        var (request, result, upload, streamedBody) = recording;
        var buffer = new ArrayBufferWriter<byte>();
        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 2,
            NewLine = "\n",
            // Readable text: non-ASCII stays as it is, except characters beyond U+FFFF (emoji), which every
            // System.Text.Json encoder writes as \u escapes. Quotes, backslashes and control characters are escaped.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            json.WriteNumber(CassetteFormat.VersionField, CassetteFormat.Version);

            json.WriteStartObject(CassetteFormat.Request);
            json.WriteString(CassetteFormat.Method, request.Method);
            json.WriteString(CassetteFormat.Url, request.Url.AbsoluteUri);
            if (request.Headers.Count > 0)
            {
                // Sorted by name: a script's headers table has no order of its own (Lua's table order
                // changes from run to run), and recording the same requests again should give the same file.
                json.WriteStartObject(CassetteFormat.Headers);
                foreach (var (name, value) in request.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
                {
                    json.WriteString(name, CassetteFormat.IsSecretHeader(name) ? CassetteFormat.Redacted : value);
                }

                json.WriteEndObject();
            }

            if (request.ContentType is not null)
            {
                json.WriteString(CassetteFormat.ContentType, request.ContentType);
            }

            WriteBody(json, requestBody);
            if (upload is not null)
            {
                WriteUpload(json, upload);
            }

            json.WriteEndObject();

            json.WriteStartObject(CassetteFormat.Response);
            json.WriteNumber(CassetteFormat.Status, result.Status);
            json.WriteBoolean(CassetteFormat.Ok, result.Ok);
            json.WriteString(CassetteFormat.Error, result.Error);
            if (savedToFile)
            {
                json.WriteBoolean(CassetteFormat.SavedToFile, true);
            }

            WriteResponseDetails(json, result, streamedBody is not null);
            WriteBody(json, responseBody);
            json.WriteEndObject();

            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteResponseDetails(Utf8JsonWriter json, HttpResult result, bool streamed)
    {
        if (result.FinalUrl is { } url)
        {
            json.WriteString(CassetteFormat.Url, url.AbsoluteUri);
        }

        if (result.Redirects > 0)
        {
            json.WriteNumber(CassetteFormat.Redirects, result.Redirects);
        }

        if (streamed)
        {
            json.WriteBoolean(CassetteFormat.Streamed, true);
        }

        if (result.Headers.Any(h => !CassetteFormat.IsVolatileHeader(h.Key)))
        {
            // [name, value] pairs in arrival order: repeated headers (Set-Cookie) stay separate.
            json.WriteStartArray(CassetteFormat.Headers);
            foreach (var (name, value) in result.Headers.Where(h => !CassetteFormat.IsVolatileHeader(h.Key)))
            {
                json.WriteStartArray();
                json.WriteStringValue(name);
                json.WriteStringValue(value);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }
    }

    private static void WriteUpload(Utf8JsonWriter json, UploadIdentity upload)
    {
        json.WriteStartObject(CassetteFormat.Upload);
        if (upload.BodyFileSha256 is { } hash)
        {
            json.WriteString(CassetteFormat.FileSha256, hash);
        }

        if (upload.Parts is { } parts)
        {
            json.WriteStartArray(CassetteFormat.Multipart);
            foreach (var part in parts)
            {
                json.WriteStartObject();
                json.WriteString(CassetteFormat.Name, part.Name);
                WriteIfSet(json, CassetteFormat.Value, part.Value);
                WriteIfSet(json, CassetteFormat.FileName, part.FileName);
                WriteIfSet(json, CassetteFormat.ContentType, part.ContentType);
                WriteIfSet(json, CassetteFormat.FileSha256, part.FileSha256);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteBody(Utf8JsonWriter json, StoredBody body)
    {
        if (body.SideFile is not null)
        {
            json.WriteString(CassetteFormat.BodyFile, body.SideFile);
            return;
        }

        if (body.Bytes.IsEmpty)
        {
            return; // an empty body has no body fields
        }

        if (Utf8.IsValid(body.Bytes.Span))
        {
            json.WriteString(CassetteFormat.Body, body.Bytes.Span);
            json.WriteString(CassetteFormat.BodyEncoding, CassetteFormat.Utf8Encoding);
        }
        else
        {
            json.WriteBase64String(CassetteFormat.Body, body.Bytes.Span);
            json.WriteString(CassetteFormat.BodyEncoding, CassetteFormat.Base64Encoding);
        }
    }

    /// <summary>An exchange to write: the upload's identity (null for an in-memory body) and the body heard in pieces (null when it was in the result).</summary>
    public sealed record Recording(HttpRequestSpec Request, HttpResult Result, UploadIdentity? Upload, ReadOnlyMemory<byte>? StreamedBody);

    /// <summary>A body kept in the JSON file (<see cref="Bytes"/>) or in a side file of the cassette folder.</summary>
    private sealed record StoredBody(ReadOnlyMemory<byte> Bytes, string? SideFile);
}
