using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>
/// A server's plain HTTP side: the request limit, the Origin check for state-changing methods, then
/// routes (answered by the host), then static folders, else 404. On close every request still
/// waiting for its route's answer gets 503.
/// </summary>
internal sealed class HttpPipeline(HttpServerOptions options, IWebSocketServerEvents events, OriginPolicy origins) : IDisposable
{
    private readonly ConcurrentDictionary<PendingAnswer, byte> _waiting = new();
    private readonly StaticFolders _static = new();
    private int _active;
    private int _closing;

    public RouteTable Routes { get; } = new();

    /// <summary>True when a WebSocket upgrade to <paramref name="path"/> goes to the WebSocket callbacks.</summary>
    public bool IsWebSocketPath(PathString path) => options.WebSocketPath is not { } only || path.Value == only;

    public void AddStaticFolder(string prefix, string folder, IWebHostEnvironment environment) => _static.Add(prefix, folder, environment);

    /// <summary>From now on requests get 503; those waiting for an answer get it at once.</summary>
    public void Close()
    {
        Volatile.Write(ref _closing, 1);
        foreach (var (waiting, _) in _waiting)
        {
            waiting.Finish(StatusCodes.Status503ServiceUnavailable);
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            if (Interlocked.Increment(ref _active) > options.MaxConcurrentRequests || Volatile.Read(ref _closing) != 0)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public void Dispose() => _static.Dispose();

    private async Task HandleCoreAsync(HttpContext context)
    {
        var request = context.Request;

        // A page elsewhere may not change state here (the WebSocket handshake's rule); reading is
        // harmless without CORS, which this server never grants by itself.
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !origins.IsAllowed(request.Headers.Origin))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var path = request.Path.HasValue ? request.Path.Value! : "/";
        if (Routes.Match(request.Method, path) is { } route && events is IHttpServerEvents sink)
        {
            await AnswerRouteAsync(context, route, sink).ConfigureAwait(false);
            return;
        }

        if (!await _static.TryServeAsync(context).ConfigureAwait(false))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private async Task AnswerRouteAsync(HttpContext context, long route, IHttpServerEvents sink)
    {
        var body = await RequestBodyReader.ReadAsync(context, options.MaxBodyBytes, options.RequestTimeout).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        using var pending = new PendingAnswer();
        _waiting.TryAdd(pending, 0);
        try
        {
            // Closed while the body arrived: Close did not see this request.
            if (Volatile.Read(ref _closing) != 0)
            {
                pending.Finish(StatusCodes.Status503ServiceUnavailable);
            }
            else
            {
                Report(sink, route, HandshakeReader.Read(context) with { Body = body }, pending);
            }

            HttpAnswer answer;
            try
            {
                answer = await pending.Answered.WaitAsync(options.AnswerTimeout, context.RequestAborted).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                pending.Finish(StatusCodes.Status504GatewayTimeout);
                answer = await pending.Answered.ConfigureAwait(false);
            }

            await HttpAnswerWriter.WriteAsync(context, answer).ConfigureAwait(false);
        }
        finally
        {
            _waiting.TryRemove(pending, out _);
        }
    }

    private static void Report(IHttpServerEvents sink, long route, IncomingRequest request, PendingAnswer pending)
    {
        try
        {
            sink.OnRequest(route, request, pending);
        }
#pragma warning disable CA1031 // The contract forbids throwing; a faulty sink must not leave the request hanging.
        catch (Exception)
#pragma warning restore CA1031
        {
            pending.Finish(StatusCodes.Status500InternalServerError);
        }
    }
}
