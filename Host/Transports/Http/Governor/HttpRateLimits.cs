namespace PluginNet.Host.Transports;

/// <summary>A steady request rate for one host, from <c>limits.http.rate_limits</c> in plugins.json.</summary>
/// <param name="PerSecond">Requests per second on average (<c>per_second</c>).</param>
/// <param name="Burst">Requests that may go at once after a quiet spell (<c>burst</c>).</param>
public sealed record HostRateLimit(double PerSecond, int Burst);

/// <summary>The HTTP governor's configuration: a rate per host name and the longest hold a server can ask for.</summary>
/// <param name="ByHost">Host name (lower case, as in URLs) → its rate; the key <c>*</c> applies to every other host.</param>
/// <param name="MaxHold">
/// Longest a server's Retry-After or X-RateLimit-Reset may hold further requests to it (<c>max_hold_s</c>); a
/// longer one is cut to this and reported.
/// </param>
public sealed record HttpRateLimits(IReadOnlyDictionary<string, HostRateLimit> ByHost, TimeSpan MaxHold)
{
    /// <summary>The default longest hold: 60 seconds.</summary>
    public static readonly TimeSpan DefaultMaxHold = TimeSpan.FromSeconds(60);

    /// <summary>No configured rates; holds learned from responses still apply, up to a minute.</summary>
    public static HttpRateLimits None { get; } = new(new Dictionary<string, HostRateLimit>(), DefaultMaxHold);

    /// <summary>The rate for <paramref name="host"/>: its own entry, else <c>*</c>, else none.</summary>
    public HostRateLimit? For(string host) =>
        ByHost.TryGetValue(host.ToLowerInvariant(), out var own) ? own : ByHost.GetValueOrDefault("*");
}
