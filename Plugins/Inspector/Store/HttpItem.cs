using PluginNet.Core.Observation;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Inspector.Store;

/// <summary>One HTTP exchange: made when it starts, completed in place when it finishes.</summary>
internal sealed class HttpItem(HttpObservation o, int previewLimit) : Item(o.Script, o.SentAt)
{
    public override string Kind => "http";

    public long Id { get; } = o.Id;

    public string Method { get; } = o.Request.Method;

    public Uri Url { get; } = o.Request.Url;

    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; } = WithContentType(o.Request);

    public Payload RequestBody { get; } = Payload.Copy(o.Request.Body.Span, previewLimit);

    /// <summary>Time in its script's queue (the per-script concurrency limit).</summary>
    public TimeSpan Queued { get; } = o.Queued;

    /// <summary>Set once finished (null while on the wire).</summary>
    public Finish? Done { get; private set; }

    public override long Cost =>
        Overhead + RequestBody.Kept.Length + 2L * (Url.OriginalString.Length + HeaderChars(RequestHeaders))
        + (Done is { } d ? d.Body.Kept.Length + 2L * HeaderChars(d.Result.Headers) + 2L * d.Result.Error.Length : 0);

    /// <summary>Completes the exchange with its outcome (copying the bounded body).</summary>
    public void Complete(HttpObservation finished, int previewLimit) =>
        Done = new Finish(finished.Result ?? HttpResult.Failure("no result"), Payload.Copy(finished.Result?.Body ?? [], previewLimit), finished.Duration, finished.Cancelled);

    // The script gives the content type apart from its headers; a reader of the exchange expects it among them.
    private static IReadOnlyList<KeyValuePair<string, string>> WithContentType(HttpRequestSpec spec) =>
        spec.ContentType is { } type && !spec.Headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            ? [.. spec.Headers, new("Content-Type", type)]
            : spec.Headers;

    private static long HeaderChars(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        headers.Sum(h => (long)h.Key.Length + h.Value.Length);

    /// <summary>The outcome: the result the script heard, the kept body, the total time, and whether it was cancelled.</summary>
    internal sealed record Finish(HttpResult Result, Payload Body, TimeSpan Duration, bool Cancelled);
}
