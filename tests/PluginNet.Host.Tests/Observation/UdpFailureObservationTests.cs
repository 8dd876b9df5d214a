using System.Net;
using PluginNet.Core.Observation;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Observation;

/// <summary>
/// net.udp's failures as an attached observer hears them. The transport is a fake with no socket, so
/// the refused destination cannot be sent to even if the permission check broke (the fake records it).
/// </summary>
public class UdpFailureObservationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RefusedHost_FalseSend_SocketError_EachObservedAsFailedWithTheScriptsWords()
    {
        var observer = new ObservationRecorder();
        var transport = new FakeUdpTransport();
        var script = LuaScripts.Write("""
            local sock = net.udp:bind(0, {
              on_message = function() end,
              on_error = function(err) print("on_error", err) script.unload() end,
            })
            print("refused", sock:send("192.0.2.7", 9, "x"))
            print("false", sock:send("127.0.0.1", 9, "y"))
            print("ready")
            """);

        await using var runner = await EngineRunner.StartAsync(
            [script],
            options: o => o with { Observer = observer },
            configure: e => e.Transports.Pin(TransportKind.Udp, "Fake", transport),
            withPlugins: false);
        await runner.Output.WaitForPrintAsync(p => p == "ready", Wait);
        transport.Events!.OnError("receive on port 40000 failed: ConnectionReset");
        await runner.WaitForExitAsync();

        var refusal = "refused by a permission: net.udp may not reach '192.0.2.7'";
        Assert.StartsWith($"refused\tfalse\t{refusal}", runner.Output.Prints[0], StringComparison.Ordinal);
        Assert.Equal("false\tfalse", runner.Output.Prints[1]);
        Assert.Equal("on_error\treceive on port 40000 failed: ConnectionReset", runner.Output.Prints[3]);
        Assert.Equal(["127.0.0.1:9"], transport.SentTo); // only the loopback send reached the transport

        var events = observer.Udp.ToList();
        Assert.Equal(
            [UdpObservationKind.Opened, UdpObservationKind.Failed, UdpObservationKind.Failed, UdpObservationKind.Failed, UdpObservationKind.Closed],
            events.Select(e => e.Kind));
        Assert.StartsWith(refusal, events[1].Error, StringComparison.Ordinal);
        Assert.Equal(("127.0.0.1:9", "send to 127.0.0.1:9 returned false"), (events[2].Remote, events[2].Error));
        Assert.Equal("receive on port 40000 failed: ConnectionReset", events[3].Error);
    }

    /// <summary>Binds sockets that refuse every send (as the operating system may) and keep the events.</summary>
    private sealed class FakeUdpTransport : IUdpTransport
    {
        public IUdpEvents? Events { get; private set; }

        public List<string> SentTo { get; } = [];

        public IUdpSocket Bind(int port, IUdpEvents events)
        {
            Events = events;
            return new Socket(this);
        }

        private sealed class Socket(FakeUdpTransport owner) : IUdpSocket
        {
            public int Port => 40000;

            public bool IsOpen { get; private set; } = true;

            public bool Send(IPEndPoint target, ReadOnlySpan<byte> data)
            {
                owner.SentTo.Add(target.ToString());
                return false;
            }

            public void Close() => IsOpen = false;

            public ValueTask DisposeAsync()
            {
                Close();
                return ValueTask.CompletedTask;
            }
        }
    }
}
