using System.Net.Http.Headers;
using PluginNet.Core.Transports;
using RestSharp;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>Runs one exchange: builds the RestSharp request, sends it, reads the body to memory or to a file.</summary>
internal static class RequestExecutor
{
    public static async Task<HttpResult> ExecuteAsync(RestClient client, HttpRequestSpec spec, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp(); // the timings count from here
        using var timeout = new CancellationTokenSource(spec.Timeout);
        using var idle = new IdleWatch(spec.IdleTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, idle.Token);
        var reader = new ResponseReader(spec, idle, linked.Token);
        HttpContent? upload;
        try
        {
            upload = RequestContent.Open(spec); // files opened now: one that fails sends nothing
        }
        catch (RequestContentException ex)
        {
            return HttpResult.Failure("refused: " + ex.Message);
        }

        using var uploadScope = upload;
        var state = new ExchangeState(spec, idle, started);
        var request = BuildRequest(spec, reader, state, upload);

        RestResponse response;
        try
        {
            response = await client.ExecuteAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (reader.Result is { } refused)
        {
            return state.WithTimings(refused); // the reader dropped an over-long response; RestSharp then met the disposed message
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && (timeout.IsCancellationRequested || idle.Fired))
        {
            return idle.Fired && !timeout.IsCancellationRequested ? IdleTimedOut(spec) : TimedOut(spec);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (reader.Result is { } result)
        {
            return state.WithTimings(result);
        }

        if (idle.Fired && !timeout.IsCancellationRequested)
        {
            return IdleTimedOut(spec);
        }

        if (timeout.IsCancellationRequested || response.ResponseStatus == ResponseStatus.TimedOut)
        {
            return TimedOut(spec);
        }

        return HttpResult.Failure(FailureText.Describe(response.ErrorException, spec.Url)) with { FailureKind = FailureText.Kind(response.ErrorException) };
    }

    private static HttpResult TimedOut(HttpRequestSpec spec) =>
        HttpResult.Failure($"timed out after {spec.Timeout.TotalSeconds:0.###} s waiting for {spec.Url.Host}; if it is just slow, pass a longer timeout (in seconds)") with { FailureKind = HttpFailureKind.Timeout };

    private static HttpResult IdleTimedOut(HttpRequestSpec spec) =>
        HttpResult.Failure($"idle_timeout: no data from {spec.Url.Host}:{spec.Url.Port} for {spec.IdleTimeout.TotalSeconds:0.###} s") with { FailureKind = HttpFailureKind.Timeout };

    private static RestRequest BuildRequest(HttpRequestSpec spec, ResponseReader reader, ExchangeState state, HttpContent? upload) =>
        new(spec.Url)
        {
            // Headers only: the body is read by ResponseReader, streamed or capped, never buffered whole.
            CompletionOption = HttpCompletionOption.ResponseHeadersRead,
            Interceptors = [new ExchangeInterceptor(spec, reader, state, upload)],

            // ResponseReader has the outcome already; RestSharp's own response (a second read of the
            // body into a 16 KB buffer, the body decoded to a string, every header copied) is not needed.
            AdvancedResponseWriter = static (message, request) => new RestResponse(request)
            {
                StatusCode = message.StatusCode,
                ResponseStatus = ResponseStatus.Completed,
            },
        };

    internal static void ApplyHeadersAndBody(HttpRequestMessage message, HttpRequestSpec spec, HttpContent? upload = null)
    {
        HttpContent? content = upload; // a file or multipart body (RequestContent), or the in-memory one
        if (content is null && (!spec.Body.IsEmpty || spec.ContentType is not null))
        {
            content = new ReadOnlyMemoryContent(spec.Body);
            if (spec.ContentType is not null)
            {
                // Sent as the script gave it ("json" included): the server decides what it accepts.
                content.Headers.TryAddWithoutValidation("Content-Type", spec.ContentType);
            }
        }

        message.Content = content;

        // A header the script names replaces every value of that name already on the message
        // (RestSharp's Accept list and User-Agent, the Content-Type of content_type): the first time a
        // name comes up it is cleared, then the script's values are added as given.
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in spec.Headers)
        {
            if (named.Add(name))
            {
                Clear(message.Headers, name);
                Clear(message.Content?.Headers, name);
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                // Content-* headers belong to the content; create an empty one to carry them if needed.
                message.Content ??= new ReadOnlyMemoryContent(ReadOnlyMemory<byte>.Empty);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    // TryGetValues first: Remove throws for a name that belongs to the other collection (Content-Type on the request's).
    private static void Clear(HttpHeaders? headers, string name)
    {
        if (headers is not null && headers.TryGetValues(name, out _))
        {
            headers.Remove(name);
        }
    }
}
