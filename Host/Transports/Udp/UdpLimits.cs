namespace PluginNet.Host.Transports;

/// <summary>The <c>limits.udp</c> section of <c>plugins.json</c>.</summary>
/// <param name="MaxQueuedBytesPerSocket">Bytes of datagrams one socket holds waiting for the script; more are dropped and counted (<c>max_queued_bytes_per_socket</c>).</param>
public sealed record UdpLimits(long MaxQueuedBytesPerSocket = 4L * 1024 * 1024)
{
    /// <summary>The values used when <c>plugins.json</c> gives none.</summary>
    public static UdpLimits Defaults { get; } = new();
}
