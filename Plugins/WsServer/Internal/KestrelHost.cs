using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>
/// The private Kestrel instance behind one server: 127.0.0.1 only, HTTP/1.1, strict handshake
/// timeouts, no configuration read from the machine, the mask check in front of the WebSocket
/// middleware, and every request handed to the server's handler.
/// </summary>
internal static class KestrelHost
{
    /// <summary>Builds and starts Kestrel; returns the running app and the bound port. Blocks the caller meanwhile.</summary>
    /// <exception cref="PortInUseException">The port is taken.</exception>
    public static (WebApplication App, int Port) Start(WebSocketListenRequest request, RequestDelegate handler)
    {
        ListenOptions? endpoint = null;

        // The empty builder reads no configuration, environment variables or appsettings and adds no
        // logging: nothing on the machine can redirect or reconfigure this server, and it starts fastest.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;

            // A handshake must be complete within the timeout (Kestrel's default is 30 s, too lax).
            options.Limits.RequestHeadersTimeout = request.HandshakeTimeout;
            options.Limits.KeepAliveTimeout = request.HandshakeTimeout;
            options.Limits.MaxRequestHeadersTotalSize = request.Http.MaxHeadBytes;
            options.Limits.MaxRequestLineSize = Math.Min(request.Http.MaxHeadBytes, options.Limits.MaxRequestLineSize);
            options.Limits.MaxRequestBodySize = request.Http.MaxBodyBytes;

            // A route's header values are Lua strings, bytes: Latin-1 writes each one as it is.
            options.ResponseHeaderEncodingSelector = static _ => System.Text.Encoding.Latin1;
            options.Listen(IPAddress.Loopback, request.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                endpoint = listen;
            });
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ServerSettings.ShutdownTimeout);

        // The default console lifetime would register SIGINT/SIGTERM/SIGQUIT handlers and a process-exit
        // hook for every server; signals and shutdown belong to the host, which closes servers itself.
        builder.Services.AddSingleton<IHostLifetime>(new PassiveHostLifetime());

        var app = builder.Build();

        // Before UseWebSockets, which takes the upgrade feature when a request comes in.
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new MaskCheckingUpgradeFeature(upgrade));
            }

            return next(context);
        });
        app.UseWebSockets();
        app.Run(handler);
        try
        {
            // Listen is synchronous by contract; nothing awaited here needs the calling thread.
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (IsAddressInUse(ex))
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new PortInUseException(request.Port, ex);
        }
        catch
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return (app, endpoint?.IPEndPoint?.Port ?? request.Port);
    }

    private static bool IsAddressInUse(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A host lifetime that does nothing: the plugin's host decides when servers stop.</summary>
    private sealed class PassiveHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
