using System.Composition.Hosting;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using PluginNet.Core.Transports;
using PluginNet.Plugins.WsClient;
using PluginNet.TestSupport;
using PluginNet.WsClient.Tests.Infrastructure;

namespace PluginNet.WsClient.Tests.Transport;

/// <summary>The plugin must not pin its load context once its transport is disposed.</summary>
[Collection(nameof(LeakTests))]
public sealed class UnloadTests
{
    [Fact]
    public async Task Unload_AfterRealTraffic_LoadContextIsCollected()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: true, ct));

        var context = await UseAndUnloadAsync(server.Url, LoopbackPorts.Free());

        Assert.True(await LoadContexts.CollectedAsync(context), "the plugin's load context was not collected");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> UseAndUnloadAsync(string url, int closedPort)
    {
        // Loaded the way the host loads it: its own collectible context, Core and the attributes shared.
        var context = new AssemblyLoadContext("WsClient plugin under test", isCollectible: true);
        var assembly = context.LoadFromAssemblyPath(typeof(WebSocketClientTransport).Assembly.Location);
        var container = new ContainerConfiguration().WithAssembly(assembly).CreateContainer();
        var transport = container.GetExport<IWebSocketClientTransport>();
        Assert.NotSame(typeof(WebSocketClientTransport), transport.GetType());

        var events = new RecordingEvents();
        var connection = transport.Connect(new WebSocketConnectRequest(url, Documented.HandshakeTimeout, Documented.MaxMessageBytes), events);
        await events.WaitOpenAsync();
        connection.Send(Encoding.UTF8.GetBytes("ping"));
        Assert.Equal("ping", await events.NextTextAsync());

        var refused = new RecordingEvents();
        transport.Connect(new WebSocketConnectRequest($"ws://127.0.0.1:{closedPort}/", Documented.HandshakeTimeout, Documented.MaxMessageBytes), refused);
        await refused.WaitClosedAsync();

        // One connection still open: the container's dispose (the plugin unloading) must end it.
        var open = new RecordingEvents();
        transport.Connect(new WebSocketConnectRequest(url, Documented.HandshakeTimeout, Documented.MaxMessageBytes), open);
        await open.WaitOpenAsync();

        await connection.CloseAsync(1000, string.Empty, CancellationToken.None);
        container.Dispose();
        Assert.True(open.Closed.Task.IsCompleted, "disposing the container ended the open connection");
        Assert.Equal(1006, (await open.WaitClosedAsync()).Code);

        context.Unload();
        return new WeakReference(context);
    }
}
