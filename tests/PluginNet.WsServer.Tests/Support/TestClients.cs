using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace PluginNet.WsServer.Tests.Support;

/// <summary>Real <see cref="ClientWebSocket"/> clients with bounded waits.</summary>
internal static class TestClients
{
    public static async Task<ClientWebSocket> ConnectAsync(Uri url, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        await socket.ConnectAsync(url, timeout.Token);
        return socket;
    }

    public static async Task SendTextAsync(this WebSocket socket, string text)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>Reads one whole message; a close frame comes back as <see cref="WebSocketMessageType.Close"/>.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveMessageAsync(this WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        var message = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(message.GetMemory(64 * 1024), timeout.Token);
            message.Advance(result.Count);
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, message.WrittenSpan.ToArray());
            }
        }
    }

    public static async Task<string> ReceiveTextAsync(this WebSocket socket)
    {
        var (type, payload) = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(payload);
    }

    /// <summary>Reads until the server's close frame (skipping messages) and answers it.</summary>
    public static async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync(this WebSocket socket)
    {
        while (true)
        {
            var (type, _) = await socket.ReceiveMessageAsync();
            if (type == WebSocketMessageType.Close)
            {
                using var timeout = new CancellationTokenSource(TestTimeouts.Event);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                return (socket.CloseStatus, socket.CloseStatusDescription);
            }
        }
    }
}
