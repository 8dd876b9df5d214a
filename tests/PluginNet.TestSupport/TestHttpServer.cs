using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace PluginNet.TestSupport;

/// <summary>A real Kestrel HTTP server on 127.0.0.1 with a free port, configured per test.</summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHttpServer(WebApplication app, int port, bool https)
    {
        _app = app;
        BaseUrl = $"{(https ? "https" : "http")}://127.0.0.1:{port}";
    }

    /// <summary>e.g. <c>http://127.0.0.1:45123</c> (<c>https://</c> when started with a certificate).</summary>
    public string BaseUrl { get; }

    /// <summary>Starts a server; <paramref name="map"/> adds its endpoints.</summary>
    /// <param name="map">Adds the endpoints.</param>
    /// <param name="certificate">When given, the server speaks HTTPS (and wss://) with it.</param>
    /// <param name="protocols">The TLS versions it accepts (None: the system's choice).</param>
    /// <param name="port">The port to listen on; 0 (the default) for a free one.</param>
    public static async Task<TestHttpServer> StartAsync(Action<WebApplication> map, X509Certificate2? certificate = null, SslProtocols protocols = SslProtocols.None, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(https =>
                    {
                        https.ServerCertificate = certificate;
                        https.SslProtocols = protocols;
                    });
                }
            });
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.UseWebSockets();
        map(app);
        await app.StartAsync();
        var address = app.Urls.First();
        return new TestHttpServer(app, new Uri(address).Port, certificate is not null);
    }

    /// <summary>The ws:// (or wss://) URL of <paramref name="path"/> on this server.</summary>
    public string WebSocketUrl(string path) => "ws" + BaseUrl[4..] + path;

    /// <summary>Maps <paramref name="path"/> to a WebSocket endpoint that echoes every message back as text.</summary>
    public static void MapEcho(WebApplication app, string path) => app.Map(path, async context =>
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), System.Net.WebSockets.WebSocketMessageType.Text, received.EndOfMessage, context.RequestAborted);
        }
    });

    /// <summary>A URL on this server.</summary>
    public string Url(string path) => BaseUrl + path;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
