using Microsoft.AspNetCore.Http;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>The answer a route's request waits for: the host's, a 504, or a 503 when the server closes. The first wins.</summary>
internal sealed class PendingAnswer : IHttpResponse, IDisposable
{
    private readonly TaskCompletionSource<HttpAnswer> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _ended = new();

    public PendingAnswer() => Ended = _ended.Token;

    /// <inheritdoc />
    public CancellationToken Ended { get; }

    public Task<HttpAnswer> Answered => _answer.Task;

    /// <inheritdoc />
    public bool Send(int status, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        return !Ended.IsCancellationRequested && _answer.TrySetResult(new HttpAnswer(status, headers, body));
    }

    /// <summary>Answers with a bare status unless an answer came first.</summary>
    public bool Finish(int status) => _answer.TrySetResult(HttpAnswer.Bare(status));

    /// <summary>The request is over: later answers return false, and the host hears it through <see cref="Ended"/>.</summary>
    public void Dispose()
    {
        Finish(StatusCodes.Status503ServiceUnavailable);
        _ended.Cancel();
        _ended.Dispose();
    }
}

/// <summary>A status, headers in order and a body, as a route answered.</summary>
internal sealed record HttpAnswer(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body)
{
    public static HttpAnswer Bare(int status) => new(status, [], ReadOnlyMemory<byte>.Empty);
}
