using PluginNet.Core.Transports;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>The <c>limits.http</c> section of <c>plugins.json</c>.</summary>
/// <param name="MaxConcurrentPerScript">Requests one script may have on the wire at once (<c>max_concurrent_per_script</c>).</param>
/// <param name="DefaultTimeoutS">Seconds before a request that gives no timeout fails (<c>default_timeout_s</c>).</param>
/// <param name="MaxBodyBytes">Largest response body held in memory (<c>max_body_bytes</c>).</param>
public sealed record HttpLimits(
    int MaxConcurrentPerScript = 16,
    int DefaultTimeoutS = 10,
    long MaxBodyBytes = HttpRequestSpec.DefaultMaxBodyBytes)
{
    /// <summary>Requests per second per host and the longest server-asked hold (<c>rate_limits</c>, <c>max_hold_s</c>).</summary>
    public HttpRateLimits RateLimits { get; init; } = HttpRateLimits.None;

    /// <summary>The values used when <c>plugins.json</c> gives none.</summary>
    public static HttpLimits Defaults { get; } = new();
}
