using PluginNet.Core.Transports;
using RestSharp.Interceptors;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// Hooks one exchange: sets the method, headers and body on the outgoing message (RestSharp's
/// Method enum has no PROPFIND and friends), and hands the response to the <see cref="ResponseReader"/>
/// as soon as its headers arrive. The exchange's state rides on the message for the handlers below.
/// </summary>
internal sealed class ExchangeInterceptor(HttpRequestSpec spec, ResponseReader reader, ExchangeState state, HttpContent? upload) : Interceptor
{
    public override ValueTask BeforeHttpRequest(HttpRequestMessage requestMessage, CancellationToken cancellationToken)
    {
        requestMessage.Method = new HttpMethod(spec.Method);
        RequestExecutor.ApplyHeadersAndBody(requestMessage, spec, upload);
        requestMessage.Content = UploadProgressContent.Wrap(requestMessage.Content, spec.Listener, state.Idle);
        if (spec.Cookies is { } jar)
        {
            requestMessage.Options.Set(CookieHandler.JarKey, jar); // the script's own jar, on every hop
        }

        requestMessage.Options.Set(ExchangeState.Key, state);
        state.Idle.Reset(); // from here on the exchange is the network's: the idle time runs
        if (spec.CheckRedirect is { } check)
        {
            requestMessage.Options.Set(RedirectHandler.CheckKey, check);
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask AfterHttpRequest(HttpResponseMessage responseMessage, CancellationToken cancellationToken)
    {
        state.MarkFirstByte(); // headers read (ResponseHeadersRead): the body has not been touched yet
        return reader.ReadAsync(responseMessage);
    }
}
