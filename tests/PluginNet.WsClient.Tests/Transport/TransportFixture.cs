using PluginNet.Core.Transports;
using PluginNet.Plugins.WsClient;
using PluginNet.TestSupport;
using PluginNet.WsClient.Tests.Infrastructure;

namespace PluginNet.WsClient.Tests.Transport;

/// <summary>Shared helpers: a transport per test and the default request.</summary>
public abstract class TransportTestBase : IAsyncLifetime
{
    internal WebSocketClientTransport Transport { get; } = new();

    internal static WebSocketConnectRequest Request(string url, long maxMessageBytes = Documented.MaxMessageBytes, TimeSpan? connectTimeout = null) =>
        new(url, connectTimeout ?? Documented.HandshakeTimeout, maxMessageBytes);

    internal (IWebSocketConnection Connection, RecordingEvents Events) Connect(string url, long maxMessageBytes = Documented.MaxMessageBytes, TimeSpan? connectTimeout = null)
    {
        var events = new RecordingEvents();
        var connection = Transport.Connect(Request(url, maxMessageBytes, connectTimeout), events);
        return (connection, events);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Transport.DisposeAsync();
        Assert.Equal(0, Transport.LiveConnectionCount);
    }
}
