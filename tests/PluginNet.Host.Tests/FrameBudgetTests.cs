using System.Globalization;
using System.Text;
using PluginNet.Core.Transports;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>The standalone frame loop under a flood of completions: the per-frame callback budget.</summary>
public class FrameBudgetTests
{
    [Fact]
    public async Task Run_FloodOfMessagesOverTheBudget_CarriedToLaterFramesInOrderNoneDropped()
    {
        const int count = 20_000;
        var script = LuaScripts.Write($$"""
            local n, frames_during, bad = 0, 0, nil
            event.on("frame_update", function()
              if n > 0 and n < {{count}} then frames_during = frames_during + 1 end
            end)
            net.ws:connect("ws://127.0.0.1:9/flood", {
              on_message = function(id, msg)
                n = n + 1
                if bad == nil and tonumber(msg) ~= n then bad = "message " .. n .. " was " .. msg end
              end,
              on_close = function()
                print(n, bad or "in order", frames_during > 1)
                script.unload()
              end,
            })
            """);

        // A 1 ms budget: 20,000 Lua callbacks cannot fit in one frame on any machine.
        await using var runner = await EngineRunner.StartAsync(
            [script],
            options: o => o with { CallbackBudget = TimeSpan.FromMilliseconds(1) },
            configure: engine => engine.Transports.Pin(TransportKind.WebSocketClient, "Flood", new FloodTransport(count)),
            withPlugins: false);
        var result = await runner.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(EngineRunResult.AllScriptsUnloaded, result);
        Assert.Equal($"{count}\tin order\ttrue", Assert.Single(runner.Output.Prints));
    }

    /// <summary>One connection that opens, reports <c>count</c> numbered messages in one burst, then closes.</summary>
    private sealed class FloodTransport(int count) : IWebSocketClientTransport
    {
        public IWebSocketConnection Connect(WebSocketConnectRequest request, IWebSocketEvents events)
        {
            _ = Task.Run(() =>
            {
                events.OnOpen();
                for (var i = 1; i <= count; i++)
                {
                    events.OnMessage(Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)), isText: true);
                }

                events.OnClose(1000, "done");
            });
            return new Closed();
        }

        private sealed class Closed : IWebSocketConnection
        {
            public bool IsOpen => false;

            public bool Send(ReadOnlyMemory<byte> text) => false;

            public Task CloseAsync(int code, string reason, CancellationToken cancellationToken) => Task.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
