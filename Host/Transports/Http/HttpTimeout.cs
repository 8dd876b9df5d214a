namespace PluginNet.Host.Transports;

/// <summary>
/// A script's <c>timeout</c> in seconds as the transport takes it. A timer waits at most about 49.7
/// days (2^32 - 2 ms), so a longer timeout, <c>math.huge</c> included, means no timeout at all: the
/// request waits for as long as the connection lives.
/// </summary>
internal static class HttpTimeout
{
    /// <summary>The longest timeout a timer can wait: 4,294,967,294 ms.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>The timeout for <paramref name="seconds"/> (above 0, checked by the glue), or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static TimeSpan FromSeconds(double seconds) =>
        seconds >= Longest.TotalSeconds ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);
}
