using PluginNet.Core.Observation;

namespace PluginNet.Plugins.Inspector.Store;

/// <summary>One event on a WebSocket: connecting, open, a message either way, close or failure.</summary>
internal sealed class WsItem(WebSocketObservation o, int previewLimit) : Item(o.Script, o.At)
{
    public override string Kind => "ws";

    public WebSocketSide Side { get; } = o.Side;

    public long Connection { get; } = o.Connection;

    public long Client { get; } = o.Client;

    public WebSocketObservationKind Event { get; } = o.Kind;

    public string? Url { get; } = o.Url;

    public Payload Payload { get; } = Payload.Copy(o.Payload.Span, previewLimit);

    public bool Binary { get; } = o.Binary;

    public int? CloseCode { get; } = o.CloseCode;

    public string? CloseReason { get; } = o.CloseReason;

    public string? Error { get; } = o.Error;

    /// <summary>Names the connection on the page: script, side, connection and (server side) client.</summary>
    public string ConnectionKey => $"{Script}|{(Side == WebSocketSide.Client ? "c" : "s")}|{Connection}|{Client}";

    public override long Cost => Overhead + Payload.Kept.Length + 2L * ((Url?.Length ?? 0) + (Error?.Length ?? 0) + (CloseReason?.Length ?? 0));
}
