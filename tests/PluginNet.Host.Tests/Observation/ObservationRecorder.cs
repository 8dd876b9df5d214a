using System.Collections.Concurrent;
using PluginNet.Core.Observation;

namespace PluginNet.Host.Tests.Observation;

/// <summary>An observer that keeps every event it hears, in arrival order (thread-safe, never blocks).</summary>
internal sealed class ObservationRecorder : INetObserver
{
    public ConcurrentQueue<ScriptObservation> Scripts { get; } = new();

    public ConcurrentQueue<HttpObservation> Http { get; } = new();

    public ConcurrentQueue<WebSocketObservation> WebSockets { get; } = new();

    public ConcurrentQueue<UdpObservation> Udp { get; } = new();

    /// <summary>The WebSocket events as the host gave them (payloads not copied), to check what they share.</summary>
    public ConcurrentQueue<WebSocketObservation> WebSocketsAsGiven { get; } = new();

    public void OnScript(ScriptObservation observation) => Scripts.Enqueue(observation);

    public void OnHttp(HttpObservation observation) => Http.Enqueue(observation);

    // The payload is the host's buffer: copied here, as the contract asks of an observer that keeps it.
    public void OnWebSocket(WebSocketObservation observation)
    {
        WebSocketsAsGiven.Enqueue(observation);
        WebSockets.Enqueue(observation with { Payload = observation.Payload.ToArray() });
    }

    public void OnUdp(UdpObservation observation) => Udp.Enqueue(observation with { Payload = observation.Payload.ToArray() });
}
