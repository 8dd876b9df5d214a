using System.Text;
using PluginNet.Core.Observation;
using PluginNet.Core.Transports;

namespace PluginNet.Inspector.Tests;

/// <summary>Observations as the host makes them, for feeding the inspector directly.</summary>
internal static class Observations
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static HttpRequestSpec Get(string url, params (string Name, string Value)[] headers) =>
        new("GET", new Uri(url), [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))], ReadOnlyMemory<byte>.Empty, null, TimeSpan.FromSeconds(10), null);

    public static HttpObservation Started(string script, long id, HttpRequestSpec spec, double queuedMs = 0) =>
        new(script, id, HttpObservationPhase.Started, spec, T0, TimeSpan.FromMilliseconds(queuedMs));

    public static HttpObservation Finished(HttpObservation started, HttpResult result, double durationMs, bool cancelled = false) =>
        started with { Phase = HttpObservationPhase.Finished, Result = result, Duration = TimeSpan.FromMilliseconds(durationMs), Cancelled = cancelled };

    public static HttpResult Response(int status, string body, string contentType = "application/json", double? connectedMs = null, double? firstByteMs = null) =>
        HttpResult.FromResponse(status, Encoding.UTF8.GetBytes(body), status == 404 ? "Not Found" : null) with
        {
            Headers = [new("Content-Type", contentType), new("Set-Cookie", "session=s3cr3t")],
            Timings = connectedMs is null && firstByteMs is null ? null
                : new HttpTimings(connectedMs is { } c ? TimeSpan.FromMilliseconds(c) : null, firstByteMs is { } f ? TimeSpan.FromMilliseconds(f) : null),
        };

    public static WebSocketObservation Ws(string script, long connection, WebSocketObservationKind kind, string? text = null, double atMs = 0, WebSocketSide side = WebSocketSide.Client, long client = 0) =>
        new(script, side, connection, kind, T0.AddMilliseconds(atMs))
        {
            Client = client,
            Url = side == WebSocketSide.Client ? "ws://127.0.0.1:9/echo" : "127.0.0.1:9/",
            Payload = text is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(text),
            CloseCode = kind == WebSocketObservationKind.Closed ? 1000 : null,
        };

    public static UdpObservation Udp(string script, long socket, UdpObservationKind kind, byte[]? payload = null) =>
        new(script, socket, kind, T0)
        {
            Local = "127.0.0.1:40000",
            Remote = kind is UdpObservationKind.Sent or UdpObservationKind.Received ? "127.0.0.1:9000" : null,
            Payload = payload ?? ReadOnlyMemory<byte>.Empty,
        };
}
