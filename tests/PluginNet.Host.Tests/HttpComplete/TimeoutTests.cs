using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>connect_timeout and idle_timeout against real sockets; each failure names the timeout that fired.</summary>
public class TimeoutTests
{
    [Fact]
    public async Task ConnectTimeout_ListenerThatNeverAccepts_FailsNamingConnectTimeout()
    {
        using var full = FullListener.Start();
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("http://127.0.0.1:{{full.Port}}/", { connect_timeout = 0.5, timeout = 30 }, function(r)
              print(r.status, r.ok, r.error, r.elapsed < 25)
              script.unload()
            end)
            """);

        Assert.Equal($"0\tfalse\tconnect_timeout: no connection to 127.0.0.1:{full.Port} within 0.5 s\ttrue", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task IdleTimeout_ServerNeverAnswers_FailsNamingIdleTimeout()
    {
        await using var server = new RawHttpServer(hang: true);
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{server.Url("/")}}", { idle_timeout = 0.5, timeout = 30 }, function(r)
              print(r.status, r.ok, r.error, r.elapsed < 25)
              script.unload()
            end)
            """);

        Assert.Equal($"0\tfalse\tidle_timeout: no data from 127.0.0.1:{server.Port} for 0.5 s\ttrue", Assert.Single(output.Prints));
        await server.WaitForHangUpAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task IdleTimeout_BodyStallsHalfway_FailsNamingIdleTimeout_WhileASteadyBodyPasses()
    {
        await using var server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/stall", async context =>
            {
                context.Response.ContentLength = 1024 * 1024;
                await context.Response.Body.WriteAsync(TestBytes.Pattern(1024), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            });
            app.Map("/steady", async context =>
            {
                // Four pieces 0.3 s apart: 1.2 s in all, never 1 s without a byte.
                for (var i = 0; i < 4; i++)
                {
                    await context.Response.Body.WriteAsync(TestBytes.Pattern(1024), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(300, context.RequestAborted);
                }
            });
        });
        var output = await HttpIntegrationTests.RunAsync($$"""
            local left = 2
            local function done() left = left - 1 if left == 0 then script.unload() end end
            net.http:get("{{server.Url("/stall")}}", { idle_timeout = 0.5, timeout = 30 }, function(r)
              print("stall", r.status, r.ok, r.error) done()
            end)
            net.http:get("{{server.Url("/steady")}}", { idle_timeout = 5, timeout = 30 }, function(r)
              print("steady", r.status, r.ok, #r.body) done()
            end)
            """);

        Assert.Contains($"stall\t0\tfalse\tidle_timeout: no data from 127.0.0.1:{new Uri(server.BaseUrl).Port} for 0.5 s", output.Prints);
        Assert.Contains("steady\t200\ttrue\t4096", output.Prints);
    }

    [Fact]
    public async Task Timeout_StillNamesTheWholeExchangeLimit()
    {
        await using var server = new RawHttpServer(hang: true);
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{server.Url("/")}}", { idle_timeout = 20, timeout = 0.5 }, function(r)
              print(r.error:match("^timed out after 0.5 s") ~= nil)
              script.unload()
            end)
            """);

        Assert.Equal("true", Assert.Single(output.Prints));
    }

    /// <summary>
    /// A listener on 127.0.0.1 whose accept queue is full and never drained: the kernel drops further
    /// connection attempts (SYNs), so a connect waits until the client gives up.
    /// </summary>
    private sealed class FullListener : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _fillers = [];

        private FullListener(Socket listener) => _listener = listener;

        public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public static FullListener Start()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(0);
            var full = new FullListener(listener);
            for (var i = 0; i < 16; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                full._fillers.Add(filler);
                if (!filler.ConnectAsync(listener.LocalEndPoint!).Wait(TimeSpan.FromSeconds(1)))
                {
                    return full; // this one hangs: the queue is full
                }
            }

            throw new InvalidOperationException("the accept queue never filled up");
        }

        public void Dispose()
        {
            foreach (var filler in _fillers)
            {
                filler.Dispose();
            }

            _listener.Dispose();
        }
    }
}
