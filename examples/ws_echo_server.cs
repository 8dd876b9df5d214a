#:sdk Microsoft.NET.Sdk.Web

// A WebSocket echo server on 127.0.0.1 for examples/ws_echo.lua (a .NET 10 file-based app):
//   dotnet run examples/ws_echo_server.cs [port]        (default port 8765)
// Every message comes back as it arrived: text as text, binary as binary.
using System.Buffers;
using System.Net;
using System.Net.WebSockets;

var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8765;
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
var app = builder.Build();
app.UseWebSockets();
app.Run(async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = new byte[64 * 1024];
    var message = new ArrayBufferWriter<byte>();
    try
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription, context.RequestAborted);
                return;
            }

            message.Write(buffer.AsSpan(0, result.Count));
            if (result.EndOfMessage)
            {
                await socket.SendAsync(message.WrittenMemory, result.MessageType, endOfMessage: true, context.RequestAborted);
                message.ResetWrittenCount();
            }
        }
    }
    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
    {
        // The client went away.
    }
});
Console.WriteLine($"echo server on ws://127.0.0.1:{port}/ (Ctrl+C to stop)");
await app.RunAsync();
