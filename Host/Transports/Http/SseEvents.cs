using System.IO.Pipelines;
using System.Net.ServerSentEvents;
using System.Text;

namespace PluginNet.Host.Transports;

/// <summary>
/// Parses a streamed response body as <c>text/event-stream</c> with the platform's <see cref="SseParser"/>:
/// the body's pieces go into a small pipe, the parser reads from it and each event is handed on (and
/// awaited) in order. Done in the host, so every HTTP transport (a recorder's replay too) gets events.
/// </summary>
internal sealed class SseEvents
{
    // Small on purpose: the pipe holds at most this much before the transport's next read waits.
    private static readonly PipeOptions Options = new(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false);

    private readonly Pipe _pipe = new(Options);
    private readonly Task _parsing;

    /// <param name="deliver">Hands one event to the script; the next is parsed when it completes.</param>
    /// <param name="cancellationToken">Ends the parsing (the exchange was cancelled).</param>
    public SseEvents(Func<SseItem<string>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken) =>
        _parsing = Task.Run(() => ParseAsync(deliver, cancellationToken), CancellationToken.None);

    /// <summary>The next piece of the body; waits while the parser is behind.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) =>
        await _pipe.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);

    /// <summary>The body ended: waits until every event in it was handed on.</summary>
    public async Task CompleteAsync()
    {
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _parsing.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled with its exchange: the events that were not handed on are not wanted.
        }
    }

    private async Task ParseAsync(Func<SseItem<string>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken)
    {
        var stream = _pipe.Reader.AsStream();
        await using (stream.ConfigureAwait(false)) // completes the reader: a writer never waits on a parser that stopped
        {
            var parser = SseParser.Create(stream, static (_, data) => Encoding.UTF8.GetString(data));
            await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                await deliver(item, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
