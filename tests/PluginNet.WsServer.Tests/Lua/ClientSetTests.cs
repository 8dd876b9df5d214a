using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>
/// <c>srv:client_count()</c>, <c>srv:send</c>, <c>srv:broadcast</c> and <c>srv:disconnect</c> agree on
/// one set of clients, those whose <c>on_open</c> the script has had (and whose <c>on_close</c> it has
/// not): a script that polls the count each frame and then broadcasts reaches the client it counted.
/// </summary>
public sealed class ClientSetTests
{
    // The shape a modder writes: no on_open at all, poll the count each frame, broadcast once.
    private const string PollingScript = """
        local srv = net.ws_server:listen(0, {})
        local sent = false
        event.on("frame_update", function()
          if not sent and srv:client_count() >= 1 then
            srv:broadcast("hello " .. srv:client_count())
            sent = true
            print("broadcast")
          end
        end)
        print("port=" .. srv.port)
        """;

    [Fact]
    public void PollingClientCount_ThenBroadcastOnce_TheCountedClientReceivesIt()
    {
        // Driven by hand, as a game does, so the frame that sees the count comes at the worst moment:
        // the transport has the client and has reported it, the script has not had on_open yet.
        using var engine = new HandDrivenEngine(PollingScript);
        using var client = engine.Connect();
        engine.WaitUntilPosted();

        engine.Frame(); // the frame in which the client has connected
        var message = engine.TickUntilReceived(client);

        Assert.Equal("hello 1", message);
        Assert.Equal(["broadcast"], engine.Output.Prints.Where(p => !p.StartsWith("port=", StringComparison.Ordinal)));
    }

    [Fact]
    public void BeforeAndAfterOnOpen_CountSendAndDisconnectAgree()
    {
        using var engine = new HandDrivenEngine("""
            local srv = net.ws_server:listen(0, { on_open = function(c) print("open", c) end })
            event.on("probe", function()
              print("probe", srv:client_count(), srv:send(1, "x"), srv:disconnect(1, 4000, "bye"))
            end)
            print("port=" .. srv.port)
            """);
        using var client = engine.Connect();
        engine.WaitUntilPosted();

        engine.Fire("probe"); // the transport has client 1; the script has not had its on_open
        engine.TickUntilPrinted("open\t1");
        engine.Fire("probe");

        Assert.Equal(["probe\t0\tfalse\tfalse", "open\t1", "probe\t1\ttrue\ttrue"], engine.Output.Prints.Skip(1));
    }

    /// <summary>A real engine with the real plugins, ticked by the test's own thread (which becomes the menu thread).</summary>
    private sealed class HandDrivenEngine : IDisposable
    {
        private readonly PluginNetEngine _engine;

        public HandDrivenEngine(string script)
        {
            Output = new RecordingOutput();
            _engine = new PluginNetEngine(new EngineOptions { Output = Output });
            _engine.LoadPlugins(PluginConfig.Load(RepoPaths.PluginsJson));
            Assert.True(_engine.LoadScript(LuaScripts.Write(script)), Output.Transcript);
            _engine.Tick();
            Port = int.Parse(Output.Prints.Single(p => p.StartsWith("port=", StringComparison.Ordinal))["port=".Length..], CultureInfo.InvariantCulture);
        }

        public RecordingOutput Output { get; }

        public int Port { get; }

        public ClientWebSocket Connect()
        {
            var connecting = TestClients.ConnectAsync(new Uri($"ws://127.0.0.1:{Port}/"));
            Assert.True(connecting.Wait(TestTimeouts.Event), "the client did not connect");
            return connecting.Result;
        }

        /// <summary>Waits until the transport has posted the client's on_open to the menu thread, not run yet.</summary>
        public void WaitUntilPosted() =>
            Assert.True(SpinWait.SpinUntil(() => _engine.Dispatcher.PendingCount > 0, TestTimeouts.Event), "on_open was never posted");

        /// <summary>A frame_update and nothing else: what was posted waits.</summary>
        public void Frame() => _engine.FireEvent("frame_update");

        public void Fire(string name) => _engine.FireEvent(name);

        /// <summary>Whole frames (callbacks, then frame_update) until <paramref name="client"/> receives a message; its text.</summary>
        public string TickUntilReceived(ClientWebSocket client)
        {
            var buffer = new byte[256];
            var receive = client.ReceiveAsync(buffer, CancellationToken.None);
            var deadline = DateTime.UtcNow + TestTimeouts.Event;
            while (!receive.IsCompleted && DateTime.UtcNow < deadline)
            {
                _engine.Tick();
                receive.Wait(TimeSpan.FromMilliseconds(16));
            }

            Assert.True(receive.IsCompleted, "the client received nothing; prints: " + Output.Transcript);
            return Encoding.UTF8.GetString(buffer, 0, receive.Result.Count);
        }

        public void TickUntilPrinted(string line)
        {
            var deadline = DateTime.UtcNow + TestTimeouts.Event;
            while (!Output.Prints.Contains(line) && DateTime.UtcNow < deadline)
            {
                _engine.Tick();
                _engine.Dispatcher.WaitForWork(TimeSpan.FromMilliseconds(16));
            }

            Assert.Contains(line, Output.Prints);
        }

        public void Dispose() => _engine.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30));
    }
}
