using System.Text;
using System.Threading.Channels;
using PluginNet.Core.Transports;

namespace PluginNet.WsClient.Tests.Infrastructure;

/// <summary>
/// Records a connection's events and checks the event contract as they come: one call at a time,
/// OnOpen at most once and first, nothing after OnClose.
/// </summary>
internal sealed class RecordingEvents : IWebSocketEvents
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private readonly List<string> _log = [];
    private readonly List<string> _violations = [];
    private readonly Channel<(byte[] Payload, bool IsText)> _messages = Channel.CreateUnbounded<(byte[], bool)>();
    private int _inCall;
    private bool _opened;
    private bool _closed;
    private bool _sawMessage;

    public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<(int Code, string Reason)> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Event kinds in arrival order: open, message, error, close.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _log.Where(e => e.StartsWith("error:", StringComparison.Ordinal)).Select(e => e["error:".Length..])];
            }
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    public Task WaitOpenAsync() => Opened.Task.WaitAsync(Wait);

    public Task<(int Code, string Reason)> WaitClosedAsync(TimeSpan? timeout = null) => Closed.Task.WaitAsync(timeout ?? Wait);

    public async Task<(byte[] Payload, bool IsText)> NextMessageAsync(TimeSpan? timeout = null) =>
        await _messages.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? Wait);

    public async Task<string> NextTextAsync()
    {
        var (payload, isText) = await NextMessageAsync();
        Assert.True(isText, "expected a text message");
        return Encoding.UTF8.GetString(payload);
    }

    public bool TryReadMessage(out (byte[] Payload, bool IsText) message) => _messages.Reader.TryRead(out message);

    public void OnOpen()
    {
        Enter("open");
        lock (_gate)
        {
            if (_opened || _sawMessage)
            {
                _violations.Add("OnOpen twice or after a message");
            }

            _opened = true;
        }

        Exit();
        Opened.TrySetResult();
    }

    public void OnMessage(byte[] payload, bool isText)
    {
        Enter("message");
        lock (_gate)
        {
            if (!_opened)
            {
                _violations.Add("OnMessage before OnOpen");
            }

            _sawMessage = true;
        }

        _messages.Writer.TryWrite((payload, isText));
        Exit();
    }

    public void OnError(string message)
    {
        Enter("error:" + message);
        Exit();
    }

    public void OnClose(int code, string reason)
    {
        Enter("close");
        lock (_gate)
        {
            _closed = true;
        }

        Exit();
        Closed.TrySetResult((code, reason));
    }

    private void Enter(string entry)
    {
        if (Interlocked.Increment(ref _inCall) != 1)
        {
            lock (_gate)
            {
                _violations.Add($"concurrent call: {entry}");
            }
        }

        lock (_gate)
        {
            if (_closed)
            {
                _violations.Add($"{entry} after OnClose");
            }

            _log.Add(entry);
        }
    }

    private void Exit() => Interlocked.Decrement(ref _inCall);
}
