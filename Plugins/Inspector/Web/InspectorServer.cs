using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PluginNet.Core.Transports;
using PluginNet.Plugins.Inspector.Render;
using PluginNet.Plugins.Inspector.Store;

namespace PluginNet.Plugins.Inspector.Web;

/// <summary>
/// The inspector's page on its own Kestrel, 127.0.0.1 only: the page and its assets, the live feed
/// (<c>/live</c>, a WebSocket), an item's detail (<c>/api/item/SEQ</c>, unmasked with <c>?unmask=1</c>),
/// clear (<c>POST /api/clear</c>) and the HAR export (<c>/har</c>, <c>?secrets=1</c> unmasked).
/// </summary>
internal sealed class InspectorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    private InspectorServer(WebApplication app) => _app = app;

    /// <summary>The page's address; set once Kestrel has bound its port.</summary>
    public Uri Url { get; private set; } = null!;

    // Null until the port is known: a request that arrives before is answered 503.
    private RequestGuard? _guard;

    /// <exception cref="PortInUseException">The port is taken.</exception>
    public static async Task<InspectorServer> StartAsync(int port, ObservationStore store, int previewChars, CancellationToken cancellationToken)
    {
        ListenOptions? endpoint = null;

        // The empty builder reads no configuration and adds no logging: nothing on the machine reconfigures it.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                endpoint = listen;
            });
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        // Signals and shutdown belong to the host, not to this page.
        builder.Services.AddSingleton<IHostLifetime>(new PassiveLifetime());
        var app = builder.Build();
        app.UseWebSockets();

        var server = new InspectorServer(app);
        app.Run(context => server.HandleAsync(context, store, previewChars));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsAddressInUse(ex))
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new PortInUseException(port, ex);
        }

        var bound = endpoint?.IPEndPoint?.Port ?? port;
        server.Url = new Uri($"http://127.0.0.1:{bound}/");
        Volatile.Write(ref server._guard, new RequestGuard(bound));
        return server;
    }

    private async Task HandleAsync(HttpContext context, ObservationStore store, int previewChars)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var asset = Assets.Find(path);
        if (Volatile.Read(ref _guard) is not { } guard)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (guard.Refusal(request, allowCrossSiteNavigation: asset is not null) is { } refusal)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync(refusal).ConfigureAwait(false);
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        if (asset is not null && HttpMethods.IsGet(request.Method))
        {
            context.Response.ContentType = asset.Value.ContentType;
            await context.Response.Body.WriteAsync(asset.Value.Bytes).ConfigureAwait(false);
        }
        else if (path == "/live" && context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, context.RequestAborted);
            await LiveFeed.RunAsync(socket, store, previewChars, both.Token).ConfigureAwait(false);
        }
        else if (path.StartsWith("/api/item/", StringComparison.Ordinal) && HttpMethods.IsGet(request.Method)
                 && long.TryParse(path["/api/item/".Length..], out var seq) && store.Find(seq) is { } item)
        {
            await JsonAsync(context, w => ItemJson.Detail(w, item, request.Query["unmask"] == "1", previewChars)).ConfigureAwait(false);
        }
        else if (path == "/api/clear" && HttpMethods.IsPost(request.Method))
        {
            store.Clear();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        else if (path == "/har" && HttpMethods.IsGet(request.Method))
        {
            context.Response.Headers.ContentDisposition = "attachment; filename=\"pluginnet.har\"";
            await JsonAsync(context, w => HarWriter.Write(w, store.Snapshot(), request.Query["secrets"] == "1")).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private static async Task JsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
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

    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
