namespace PluginNet.Core.Transports;

/// <summary>Thrown by <see cref="IWebSocketServerTransport.Listen"/> when the port is already taken.</summary>
public sealed class PortInUseException : IOException
{
    /// <summary>Creates the exception for <paramref name="port"/>.</summary>
    public PortInUseException(int port, Exception? inner = null)
        : base($"port {port} on 127.0.0.1 is already in use", inner) => Port = port;

    /// <summary>The port that was taken.</summary>
    public int Port { get; }
}
