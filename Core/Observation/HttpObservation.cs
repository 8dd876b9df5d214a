using PluginNet.Core.Transports;

namespace PluginNet.Core.Observation;

/// <summary>Where an observed HTTP exchange is.</summary>
public enum HttpObservationPhase
{
    /// <summary>It left its script's queue and went to the host's governor and the transport.</summary>
    Started,

    /// <summary>It is over: <see cref="HttpObservation.Result"/> is what the script hears.</summary>
    Finished,
}

/// <summary>One HTTP exchange of a script, as the host saw it at <see cref="Phase"/>.</summary>
/// <param name="Script">The script's name.</param>
/// <param name="Id">The request id the script got from <c>net.http</c>, unique within the script's run.</param>
/// <param name="Phase">Started or finished.</param>
/// <param name="Request">The request as sent to the transport (headers, body, method, URL).</param>
/// <param name="SentAt">When the script sent it.</param>
/// <param name="Queued">Time it waited in its script's queue (the per-script concurrency limit) before it started.</param>
public sealed record HttpObservation(string Script, long Id, HttpObservationPhase Phase, HttpRequestSpec Request, DateTimeOffset SentAt, TimeSpan Queued)
{
    /// <summary>The outcome the script hears; null while <see cref="Phase"/> is <see cref="HttpObservationPhase.Started"/>.</summary>
    /// <remarks>Its <see cref="HttpResult.Waited"/> and <see cref="HttpResult.Attempts"/> are the governor's waits and the retries.</remarks>
    public HttpResult? Result { get; init; }

    /// <summary>Time from the send to the outcome; zero while started.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>True when the script (or a failing stream callback) cancelled it.</summary>
    public bool Cancelled { get; init; }
}
