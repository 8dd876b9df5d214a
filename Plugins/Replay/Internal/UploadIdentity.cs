using System.Security.Cryptography;
using System.Text;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// What a streamed upload (<c>body_file</c>, <c>multipart</c>) is matched by, since its bytes are not
/// in <see cref="HttpRequestSpec.Body"/>: a description of it (part names, values, filenames, content
/// types, and each file's SHA-256, never its path) hashed into the request's body hash. A recording
/// keeps the description, so replay computes the same hash from the cassette.
/// </summary>
internal sealed record UploadIdentity(string? BodyFileSha256, IReadOnlyList<UploadIdentity.Part>? Parts)
{
    /// <summary>One multipart part as recorded: a value, or a file by its name and SHA-256.</summary>
    public sealed record Part(string Name, string? Value, string? FileName, string? ContentType, string? FileSha256);

    /// <summary>The identity of <paramref name="request"/>'s upload, or null when its body is the in-memory one.</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static UploadIdentity? Of(HttpRequestSpec request)
    {
        if (request.Multipart is { } parts)
        {
            return new UploadIdentity(null, [.. parts.Select(p => p.FilePath is { } path
                ? new Part(p.Name, null, p.FileName ?? Path.GetFileName(path), p.ContentType, FileHash(path))
                : new Part(p.Name, p.Value ?? string.Empty, null, p.ContentType, null))]);
        }

        return request.BodyFile is { } file ? new UploadIdentity(FileHash(file), null) : null;
    }

    /// <summary>The hash matched in place of the body's: of this description, so any change in it is another request.</summary>
    public byte[] Hash()
    {
        var text = new StringBuilder();
        if (BodyFileSha256 is not null)
        {
            text.Append("body_file\n").Append(BodyFileSha256).Append('\n');
        }

        foreach (var part in Parts ?? [])
        {
            text.Append("part\n");
            foreach (var field in (string?[])[part.Name, part.Value, part.FileName, part.ContentType, part.FileSha256])
            {
                // Length-prefixed, so no value can pass for two.
                text.Append(field is null ? "-" : $"{field.Length}:{field}").Append('\n');
            }
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static string FileHash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
