using System.Threading.Channels;
using PluginNet.Core.Transports;

namespace PluginNet.WsServer.Tests.Support;

/// <summary>
/// Records what a server reports and checks the per-client contract as it goes: ids positive and
/// unique, OnOpen first, one call at a time, nothing after OnClose, OnClose exactly once.
/// </summary>
internal sealed class RecordingEvents : IWebSocketServerEvents
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, ClientLog> _clients = [];
    private readonly List<string> _violations = [];
    private readonly Channel<long> _opened = Channel.CreateUnbounded<long>();

    public void OnOpen(long client)
    {
        var log = Enter(client, "open");
        try
        {
            lock (_gate)
            {
                if (client <= 0)
                {
                    _violations.Add($"client id {client} is not positive");
                }

                if (log.Opened)
                {
                    _violations.Add($"client {client} opened twice");
                }

                log.Opened = true;
            }

            _opened.Writer.TryWrite(client);
        }
        finally
        {
            Leave(log);
        }
    }

    public void OnMessage(long client, byte[] payload, bool isText)
    {
        var log = Enter(client, "message");
        try
        {
            log.Messages.Writer.TryWrite(new ReceivedMessage(payload, isText));
        }
        finally
        {
            Leave(log);
        }
    }

    public void OnError(long client, string message)
    {
        var log = Enter(client, "error");
        try
        {
            lock (_gate)
            {
                log.Errors.Add(message);
            }
        }
        finally
        {
            Leave(log);
        }
    }

    public void OnClose(long client, int code, string reason)
    {
        var log = Enter(client, "close");
        try
        {
            lock (_gate)
            {
                log.Closed = true;
            }

            log.Close.TrySetResult(new CloseInfo(code, reason));
        }
        finally
        {
            Leave(log);
        }
    }

    /// <summary>The next client whose OnOpen was reported.</summary>
    public Task<long> NextOpenAsync() => _opened.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Event);

    /// <summary>The next message reported for <paramref name="client"/>.</summary>
    public Task<ReceivedMessage> NextMessageAsync(long client) =>
        Log(client).Messages.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Event);

    /// <summary>True when a message of <paramref name="client"/> is waiting to be taken.</summary>
    public bool HasMessage(long client) => Log(client).Messages.Reader.TryPeek(out _);

    /// <summary>Completes with the client's OnClose.</summary>
    public Task<CloseInfo> ClosedAsync(long client) => Log(client).Close.Task.WaitAsync(TestTimeouts.Event);

    /// <summary>The OnError messages of a client so far.</summary>
    public IReadOnlyList<string> ErrorsOf(long client)
    {
        lock (_gate)
        {
            return [.. Log(client).Errors];
        }
    }

    /// <summary>The order in which the client's events arrived.</summary>
    public IReadOnlyList<string> EventsOf(long client)
    {
        lock (_gate)
        {
            return [.. Log(client).Order];
        }
    }

    /// <summary>Fails the test when any contract rule was broken.</summary>
    public void AssertContractKept()
    {
        lock (_gate)
        {
            Assert.Empty(_violations);
        }
    }

    private ClientLog Log(long client)
    {
        lock (_gate)
        {
            if (!_clients.TryGetValue(client, out var log))
            {
                log = new ClientLog();
                _clients.Add(client, log);
            }

            return log;
        }
    }

    private ClientLog Enter(long client, string name)
    {
        var log = Log(client);
        if (Interlocked.Exchange(ref log.Busy, 1) != 0)
        {
            lock (_gate)
            {
                _violations.Add($"client {client}: {name} while another call for it was running");
            }
        }

        lock (_gate)
        {
            if (name != "open" && !log.Opened)
            {
                _violations.Add($"client {client}: {name} before open");
            }

            if (log.Closed)
            {
                _violations.Add($"client {client}: {name} after close");
            }

            log.Order.Add(name);
        }

        return log;
    }

    private static void Leave(ClientLog log) => Volatile.Write(ref log.Busy, 0);

    private sealed class ClientLog
    {
        public readonly Channel<ReceivedMessage> Messages = Channel.CreateUnbounded<ReceivedMessage>();
        public readonly TaskCompletionSource<CloseInfo> Close = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly List<string> Errors = [];
        public readonly List<string> Order = [];
        public int Busy;
        public bool Opened;
        public bool Closed;
    }
}

internal sealed record ReceivedMessage(byte[] Payload, bool IsText);

internal sealed record CloseInfo(int Code, string Reason);
