using PluginNet.Core.Observation;

namespace PluginNet.Plugins.Inspector.Store;

/// <summary>One event on a UDP socket: bound, a datagram either way, closed or failed.</summary>
internal sealed class UdpItem(UdpObservation o, int previewLimit) : Item(o.Script, o.At)
{
    public override string Kind => "udp";

    public long Socket { get; } = o.Socket;

    public UdpObservationKind Event { get; } = o.Kind;

    public string? Local { get; } = o.Local;

    public string? Remote { get; } = o.Remote;

    public Payload Payload { get; } = Payload.Copy(o.Payload.Span, previewLimit);

    public string? Error { get; } = o.Error;

    public string SocketKey => $"{Script}|{Socket}";

    public override long Cost => Overhead + Payload.Kept.Length + 2L * ((Local?.Length ?? 0) + (Remote?.Length ?? 0) + (Error?.Length ?? 0));
}
