namespace PluginNet.Host.Transports;

/// <summary>
/// Request headers a script may not set, because the transport writes them from the request itself:
/// a script's own value would contradict how the body is framed, and the request would fail with a
/// .NET error instead of a reason.
/// </summary>
internal static class RequestHeaderRules
{
    /// <summary>Why a header is refused (the text after "refused: "), or null when the script may set it.</summary>
    public static string? Refusal(string name) =>
        name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
            ? $"header '{name}' is set by the transport from the body (it sends the body with its length); leave it out"
            : null;
}
