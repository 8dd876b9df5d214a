using System.Text;
using NSubstitute;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>
/// A transport that ignores the listener and returns the body whole (as a replay of a recording does):
/// the host still hands on_chunk the pieces and on_event the parsed events, and gives progress at the end.
/// </summary>
public class WholeBodyTransportTests
{
    private readonly IHttpTransport _transport = Substitute.For<IHttpTransport>();
    private HttpRequestSpec? _sent;

    private void Answer(string body) =>
        _transport.SendAsync(Arg.Any<HttpRequestSpec>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            _sent = call.Arg<HttpRequestSpec>();
            return Task.FromResult(HttpResult.FromResponse(200, Encoding.UTF8.GetBytes(body), "OK") with
            {
                Headers = [new("Content-Type", "text/event-stream"), new("Set-Cookie", "a=1"), new("Set-Cookie", "b=2")],
                FinalUrl = new Uri("http://h/final"),
                Redirects = 1,
            });
        });

    [Fact]
    public async Task OnEvent_ParsesAWholeBody_AndTheSpecCarriesTheOptions()
    {
        Answer("id: 1\ndata: one\n\nevent: note\nid: 2\ndata: two\n\n");
        var output = await RunAsync("""
            net.http:get("http://h/stream", {
              last_event_id = "0", follow_redirects = 3, connect_timeout = 2, idle_timeout = 4, max_body = 10,
              on_event = function(ev) print(ev.event, ev.data, ev.id) end,
              on_progress = function(received, total) print("progress", received, total) end,
            }, function(r)
              print(r.status, #r.body, r.headers["set-cookie"], r.url, r.redirects)
              script.unload()
            end)
            """);

        // Progress counts bytes handed to the parser, so it may come before the events parsed from them.
        Assert.Equal(["message\tone\t1", "note\ttwo\t2"], output.Prints.Where(p => !p.StartsWith("progress", StringComparison.Ordinal)).SkipLast(1));
        Assert.Equal("progress\t46\t46", Assert.Single(output.Prints, p => p.StartsWith("progress", StringComparison.Ordinal)));
        Assert.Equal("200\t0\ta=1, b=2\thttp://h/final\t1", output.Prints[^1]);
        var spec = Assert.IsType<HttpRequestSpec>(_sent);
        Assert.Contains(new KeyValuePair<string, string>("Last-Event-ID", "0"), spec.Headers);
        Assert.Equal((3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), 10L), (spec.MaxRedirects, spec.ConnectTimeout, spec.IdleTimeout, spec.MaxStreamedBodyBytes));
        Assert.True(spec.Listener!.StreamsBody);
    }

    [Fact]
    public async Task OnChunk_GetsAWholeBodyInPieces()
    {
        Answer(new string('x', 150_000));
        var output = await RunAsync("""
            local sizes = {}
            net.http:get("http://h/big", { on_chunk = function(c) sizes[#sizes + 1] = #c end }, function(r)
              print(table.concat(sizes, ","), #r.body)
              script.unload()
            end)
            """);

        Assert.Equal(["65536,65536,18928\t0"], output.Prints);
    }

    [Fact]
    public async Task Defaults_FollowTenRedirects_NoTimeoutsBeyondTheWhole_NoListener()
    {
        Answer("plain");
        await RunAsync("""net.http:get("http://h/", function() script.unload() end)""");

        var spec = Assert.IsType<HttpRequestSpec>(_sent);
        Assert.Equal((10, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan), (spec.MaxRedirects, spec.ConnectTimeout, spec.IdleTimeout));
        Assert.Null(spec.Listener);
        Assert.Null(spec.MaxStreamedBodyBytes);
        Assert.Equal(HttpRequestSpec.DefaultMaxBodyBytes, spec.MaxBodyBytes);
    }

    private Task<RecordingOutput> RunAsync(string lua) =>
        EngineRunner.RunToEndAsync(
            lua,
            configure: e => e.Transports.Pin(TransportKind.Http, "Substitute", _transport),
            withPlugins: false);
}
