using System.Composition.Hosting;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Transport;

/// <summary>The plugin as the host loads it: from its folder, in a collectible context, found by MEF.</summary>
public sealed class UnloadTests
{
    [Fact]
    public async Task Plugin_ServedClientsThenUnloaded_LoadContextIsCollectedAndPortFree()
    {
        var (context, port) = await UseAndUnloadAsync();

        Assert.True(await LoadContexts.CollectedAsync(context), "the plugin's load context is still alive after unload");
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        listener.Stop();
    }

    // Not inlined, so that no reference to the plugin survives in the caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(WeakReference Context, int Port)> UseAndUnloadAsync()
    {
        var loader = PluginLoader.CreateFromAssemblyFile(
            Path.Combine(RepoPaths.Root, "artifacts", "plugins", "WsServer", "PluginNet.Plugins.WsServer.dll"),
            isUnloadable: true,
            sharedTypes: [typeof(IWebSocketServerTransport)]);
        var assembly = loader.LoadDefaultAssembly();
        var context = new WeakReference(AssemblyLoadContext.GetLoadContext(assembly));
        Assert.NotSame(typeof(Plugins.WsServer.KestrelWebSocketServerTransport).Assembly, assembly);

        var container = new ContainerConfiguration().WithAssembly(assembly).CreateContainer();
        var transport = container.GetExport<IWebSocketServerTransport>();
        var events = new RecordingEvents();
        var server = transport.Listen(ServerHarness.Request(), events);
        var port = server.Port;

        var socket = await TestClients.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"));
        var id = await events.NextOpenAsync();
        await socket.SendTextAsync("hello");
        await events.NextMessageAsync(id);
        server.Broadcast("hi"u8.ToArray());
        Assert.Equal("hi", await socket.ReceiveTextAsync());
        var close = socket.ReceiveCloseAsync();

        // As the host unloads a plugin: the export's DisposeAsync (closes what is still open), then the
        // container (its synchronous Dispose is then a no-op) and the loader.
        await ((IAsyncDisposable)transport).DisposeAsync();
        container.Dispose();
        loader.Dispose();

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, (await close).Status);
        Assert.Equal(Documented.GoingAway, (await events.ClosedAsync(id)).Code);
        socket.Dispose();
        return (context, port);
    }
}
