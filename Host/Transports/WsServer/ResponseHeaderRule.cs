namespace PluginNet.Host.Transports;

/// <summary>
/// Which response headers a route may send: a name that is an HTTP token, a value without CR, LF or
/// NUL (they would split the response), and not the framing headers the transport writes itself.
/// </summary>
internal static class ResponseHeaderRule
{
    /// <summary>Why the first refused header is refused, or null when every header may be sent.</summary>
    public static string? Refusal(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= '\u007f' || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
            {
                return $"header name '{Printable(name)}' is not a valid HTTP header name";
            }

            if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                return $"header '{name}' has a line break or NUL in its value";
            }

            if (RequestHeaderRules.Refusal(name) is not null)
            {
                return $"header '{name}' is written by the server from the body; leave it out";
            }
        }

        return null;
    }

    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\{(int)c}" : c.ToString()));
}
