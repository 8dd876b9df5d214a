namespace PluginNet.Core.Observation;

/// <summary>
/// An observer that shows what it sees on a local web page: the Inspector plugin exports it
/// (<c>pluginnet run --inspect</c>). The host finds it like a transport, starts it, and attaches it as
/// the engine's observer; disposing stops the page and frees what it kept.
/// </summary>
public interface INetInspector : INetObserver, IAsyncDisposable
{
    /// <summary>Starts serving on 127.0.0.1 only; <paramref name="port"/> 0 picks a free port.</summary>
    /// <returns>The page's address, e.g. <c>http://127.0.0.1:40123/</c>.</returns>
    /// <exception cref="PluginNet.Core.Transports.PortInUseException">The port is taken.</exception>
    Task<Uri> StartAsync(int port, CancellationToken cancellationToken = default);
}
