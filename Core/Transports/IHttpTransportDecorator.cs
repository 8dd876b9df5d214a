namespace PluginNet.Core.Transports;

/// <summary>
/// Optional: an HTTP transport that forwards requests to another HTTP transport, such as a recorder
/// that writes down every exchange the real transport carries. The host hands it the next plugin
/// that serves HTTP, and null when that plugin goes away.
/// </summary>
public interface IHttpTransportDecorator
{
    /// <summary>Sets the transport to forward to (null: none available). Called on the menu thread.</summary>
    void SetInner(IHttpTransport? inner);
}
