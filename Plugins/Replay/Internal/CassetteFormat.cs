namespace PluginNet.Plugins.Replay.Internal;

/// <summary>Field names of an exchange file (documented in the plugin's README; keep the two in step).</summary>
internal static class CassetteFormat
{
    public const int Version = 1;

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
