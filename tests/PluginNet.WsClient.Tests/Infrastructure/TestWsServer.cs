using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PluginNet.WsClient.Tests.Infrastructure;

/// <summary>A real Kestrel server on 127.0.0.1 (free port) that runs one handler per request.</summary>
internal sealed class TestWsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestWsServer(WebApplication app, int port, bool tls)
    {
        _app = app;
        Port = port;
        Url = $"{(tls ? "wss" : "ws")}://127.0.0.1:{port}/";
    }

    public int Port { get; }

    /// <summary>ws://127.0.0.1:port/ (wss:// when started with a certificate).</summary>
    public string Url { get; }

    public static async Task<TestWsServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(handler);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestWsServer(app, new Uri(address).Port, certificate is not null);
    }

    /// <summary>Accepts the WebSocket and runs <paramref name="session"/> on it.</summary>
    public static Task<TestWsServer> StartWebSocketAsync(Func<WebSocket, CancellationToken, Task> session) =>
        StartAsync(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await session(socket, context.RequestAborted);
        });

    /// <summary>Completes the handshake by hand and gives the raw stream, for frames no library would send.</summary>
    public static Task<TestWsServer> StartRawAsync(Func<Stream, CancellationToken, Task> session) =>
        StartAsync(async context =>
        {
            var key = context.Request.Headers["Sec-WebSocket-Key"].ToString();
            var accept = Convert.ToBase64String(
                SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            context.Response.Headers.Upgrade = "websocket";
            context.Response.Headers["Sec-WebSocket-Accept"] = accept;
            var upgrade = context.Features.GetRequiredFeature<IHttpUpgradeFeature>();
            await using var stream = await upgrade.UpgradeAsync();
            await session(stream, context.RequestAborted);
        });

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
