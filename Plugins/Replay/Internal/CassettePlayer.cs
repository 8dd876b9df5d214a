using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// Replay mode: answers each request from the cassette folder, never from the network. The folder is
/// read once, on the first request; the n-th identical request gets the n-th recording of it, and the
/// last recording again once they run out.
/// </summary>
internal sealed class CassettePlayer : ICassetteMode
{
    private readonly string _folder;
    private readonly Lazy<Task<CassetteIndex>> _index;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _served = new(StringComparer.Ordinal);

    public CassettePlayer(string folder)
    {
        _folder = folder;
        _index = new Lazy<Task<CassetteIndex>>(() => Task.Run(() => CassetteIndex.Load(folder)));
    }

    public Task<HttpResult> SendAsync(IHttpTransport? inner, HttpRequestSpec request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<HttpResult>(cancellationToken);
        }

        // The ticket is taken here, on the menu thread in the order the script asked, not after an await.
        string key;
        try
        {
            key = UploadIdentity.Of(request) is { } upload
                ? ExchangeKey.Compose(request.Method, request.Url, upload.Hash())
                : ExchangeKey.For(request.Method, request.Url, request.Body.Span);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HttpResult.Failure($"cannot replay {request.Method} {request.Url.AbsoluteUri}: its upload cannot be read: {ex.Message}"));
        }

        int ticket;
        lock (_gate)
        {
            _served.TryGetValue(key, out ticket);
            _served[key] = ticket + 1;
        }

        return PlayAsync(request, key, ticket, _index.Value, cancellationToken);
    }

    private async Task<HttpResult> PlayAsync(HttpRequestSpec request, string key, int ticket, Task<CassetteIndex> loading, CancellationToken cancellationToken)
    {
        var index = await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (index.Problem is { } problem)
        {
            return HttpResult.Failure(problem);
        }

        var exchange = index.Find(key, ticket);
        if (exchange is null)
        {
            return HttpResult.Failure($"no recorded exchange for {request.Method} {request.Url.AbsoluteUri} in {_folder}; record it first with mode=record");
        }

        try
        {
            return await ServeAsync(exchange, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HttpResult.Failure($"replaying {exchange.FileName} from {_folder} failed: {ex.Message}");
        }
    }

    private static async Task<HttpResult> ServeAsync(RecordedExchange exchange, HttpRequestSpec request, CancellationToken cancellationToken)
    {
        var listener = request.Listener;
        ReportUpload(request, listener);

        // As the real transport does: a 2xx body goes to save_to_file, anything else to resp.body.
        if (request.SaveToFile is { } target && exchange.Ok && exchange.Status is >= 200 and <= 299)
        {
            await FileTarget.WriteAsync(target, overwrite: true, exchange.Body.CopyToAsync, cancellationToken).ConfigureAwait(false);
            listener?.OnDownloadProgress(exchange.Body.Length, exchange.Body.Length);
            return Answer(exchange, []);
        }

        if (listener is { StreamsBody: true })
        {
            await StreamedBody.DeliverAsync(exchange.Body, listener, cancellationToken).ConfigureAwait(false);
            return Answer(exchange, []);
        }

        if (exchange.Body.Length > request.MaxBodyBytes)
        {
            return Answer(exchange, []) with { Error = $"response body is larger than {request.MaxBodyBytes / (1024 * 1024)} MB; use save_to_file to stream it to disk", Ok = false };
        }

        var body = await exchange.Body.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        listener?.OnDownloadProgress(body.Length, body.Length);
        return Answer(exchange, body);
    }

    private static HttpResult Answer(RecordedExchange exchange, byte[] body) =>
        new(exchange.Status, body, exchange.Error, exchange.Ok)
        {
            Headers = exchange.Headers,
            FinalUrl = exchange.FinalUrl ?? (exchange.Status == 0 ? null : RequestUrl(exchange)),
            Redirects = exchange.Redirects,
        };

    // A version 1 recording has no final URL: without redirects it is the request's own.
    private static Uri? RequestUrl(RecordedExchange exchange) =>
        Uri.TryCreate(exchange.Key.Split(' ')[1], UriKind.Absolute, out var url) ? url : null;

    // The request is not sent: its body counts as sent at once (in-memory and body_file bodies; a
    // multipart body's framing is the real transport's, so its length is not known here).
    private static void ReportUpload(HttpRequestSpec request, IHttpExchangeListener? listener)
    {
        if (listener is null)
        {
            return;
        }

        var length = request.BodyFile is { } file ? new FileInfo(file).Length : request.Multipart is null ? request.Body.Length : 0;
        if (length > 0)
        {
            listener.OnUploadProgress(length, length);
        }
    }
}
