namespace PluginNet.Plugins.Replay.Internal;

/// <summary>Field names of an exchange file (documented in the plugin's README; keep the two in step).</summary>
internal static class CassetteFormat
{
    /// <summary>The version written. Version 2 adds the response's headers, final URL and redirects, and the uploads' identity.</summary>
    public const int Version = 2;

    /// <summary>The oldest version still read (it has no response headers; the script sees none).</summary>
    public const int OldestReadableVersion = 1;

    public const string VersionField = "version";
    public const string Request = "request";
    public const string Response = "response";
    public const string Method = "method";
    public const string Url = "url";
    public const string Headers = "headers";
    public const string ContentType = "content_type";
    public const string Status = "status";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string SavedToFile = "saved_to_file";
    public const string Body = "body";
    public const string BodyEncoding = "body_encoding";
    public const string BodyFile = "body_file";
    public const string Redirects = "redirects";
    public const string Streamed = "streamed";
    public const string Upload = "upload";
    public const string Multipart = "multipart";
    public const string Name = "name";
    public const string Value = "value";
    public const string FileName = "filename";
    public const string FileSha256 = "file_sha256";
    public const string UploadFile = "file";

    public const string Utf8Encoding = "utf-8";
    public const string Base64Encoding = "base64";

    /// <summary>Written instead of the value of headers that carry credentials.</summary>
    public const string Redacted = "<redacted>";

    /// <summary>Headers whose values are never written to a cassette (it may end up in a repository).</summary>
    public static bool IsSecretHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase);
}
