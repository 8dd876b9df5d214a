using System.Net;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// The message handler under <see cref="RedirectHandler"/>: a <see cref="SocketsHttpHandler"/> with
/// RestSharp's settings (taken from the handler RestSharp built), whose connect callback keeps the
/// exchange's connect timeout and, when the host gives <see cref="ConnectionRules"/>, checks every
/// address, and whose TLS check is then the host's.
/// </summary>
internal static class ConnectingHandler
{
    public static HttpMessageHandler Create(HttpMessageHandler restSharpHandler, ConnectionRules? rules)
    {
        var handler = new SocketsHttpHandler();
        if (restSharpHandler is HttpClientHandler given)
        {
            handler.AllowAutoRedirect = given.AllowAutoRedirect;
            handler.AutomaticDecompression = given.AutomaticDecompression;
            handler.UseCookies = given.UseCookies;
            if (given.UseCookies)
            {
                handler.CookieContainer = given.CookieContainer;
            }

            handler.PreAuthenticate = given.PreAuthenticate;
            handler.Credentials = given.Credentials;
            handler.UseProxy = given.UseProxy;
            handler.Proxy = given.Proxy;
            handler.MaxAutomaticRedirections = given.MaxAutomaticRedirections;
            given.Dispose(); // never used: it holds no connection yet
        }
        else
        {
            handler.AllowAutoRedirect = false;
            handler.AutomaticDecompression = DecompressionMethods.All;
        }

        if (rules is not null)
        {
            rules.ApplyTo(handler);
        }

        handler.ConnectCallback = ConnectTimeout.Around(handler.ConnectCallback);

        // Called once a new connection (and its TLS) is ready: the Connected timing of the exchange
        // whose request opened it.
        handler.PlaintextStreamFilter = static (context, _) =>
        {
            if (ExchangeState.Of(context.InitialRequestMessage) is { Measures: true } state)
            {
                state.MarkConnected(state.Elapsed);
            }

            return ValueTask.FromResult(context.PlaintextStream);
        };
        return handler;
    }
}
