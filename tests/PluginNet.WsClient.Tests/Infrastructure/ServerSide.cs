using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace PluginNet.WsClient.Tests.Infrastructure;

/// <summary>What a server-side session saw: whole messages and the client's close.</summary>
internal sealed class ServerLog
{
    private readonly Channel<(byte[] Payload, WebSocketMessageType Type)> _messages = Channel.CreateUnbounded<(byte[], WebSocketMessageType)>();

    public TaskCompletionSource<(int Code, string Reason)> ClientClosed { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SessionEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(byte[] payload, WebSocketMessageType type) => _messages.Writer.TryWrite((payload, type));

    public async Task<(byte[] Payload, WebSocketMessageType Type)> NextAsync(TimeSpan timeout) =>
        await _messages.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    public List<byte[]> Drain()
    {
        var all = new List<byte[]>();
        while (_messages.Reader.TryRead(out var m))
        {
            all.Add(m.Payload);
        }

        return all;
    }
}

/// <summary>Server-side WebSocket helpers used by the tests' handlers.</summary>
internal static class ServerSide
{
    /// <summary>Receives whole messages until the client closes; optionally echoes each one back.</summary>
    public static async Task RunAsync(WebSocket socket, ServerLog log, bool echo, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var (payload, type) = await ReceiveMessageAsync(socket, cancellationToken);
                if (type == WebSocketMessageType.Close)
                {
                    log.ClientClosed.TrySetResult(((int?)socket.CloseStatus ?? 1005, socket.CloseStatusDescription ?? string.Empty));
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.Empty, socket.CloseStatus is null ? null : socket.CloseStatusDescription, cancellationToken);
                    }

                    return;
                }

                log.Add(payload, type);
                if (echo)
                {
                    await socket.SendAsync(payload, type, endOfMessage: true, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            log.ClientClosed.TrySetResult((1006, ex.Message));
        }
        finally
        {
            log.SessionEnded.TrySetResult();
        }
    }

    public static async Task<(byte[] Payload, WebSocketMessageType Type)> ReceiveMessageAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var message = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return ([], WebSocketMessageType.Close);
            }

            message.Write(buffer.AsSpan(0, result.Count));
            if (result.EndOfMessage)
            {
                return (message.WrittenSpan.ToArray(), result.MessageType);
            }
        }
    }
}
