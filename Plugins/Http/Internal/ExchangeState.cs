using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// What the handlers under RestSharp need to know about one exchange, carried on the request
/// message's options (and copied to every redirect hop): how many redirects to follow and how many
/// were, the connect timeout, and the idle watch a new connection resets.
/// </summary>
internal sealed class ExchangeState(HttpRequestSpec spec, IdleWatch idle)
{
    public static readonly HttpRequestOptionsKey<ExchangeState> Key = new("PluginNet.Exchange");

    public int MaxRedirects { get; } = spec.MaxRedirects;

    public TimeSpan ConnectTimeout { get; } = spec.ConnectTimeout;

    public IdleWatch Idle { get; } = idle;

    /// <summary>Redirects followed so far.</summary>
    public int Redirects { get; set; }

    public static ExchangeState? Of(HttpRequestMessage? message) =>
        message is not null && message.Options.TryGetValue(Key, out var state) ? state : null;
}
