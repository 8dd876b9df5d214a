using NSubstitute;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>net.http's <c>retry</c> option: every wrong type or value is a Lua error naming the field; nothing is sent.</summary>
public class HttpRetryArgumentTests
{
    private readonly IHttpTransport _transport = Substitute.For<IHttpTransport>();
    private int _sent;

    public HttpRetryArgumentTests()
    {
        _transport.SendAsync(Arg.Any<HttpRequestSpec>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            Interlocked.Increment(ref _sent);
            return Task.FromResult(HttpResult.FromResponse(503, [], "Service Unavailable"));
        });
    }

    [Theory]
    [InlineData("retry = 3", "field 'retry' must be a table, got number")]
    [InlineData("retry = { attempts = '3' }", "field 'retry.attempts' must be a whole number from 1 to 10, got string")]
    [InlineData("retry = { attempts = 11 }", "field 'retry.attempts' must be a whole number from 1 to 10, got 11")]
    [InlineData("retry = { attempts = 2.5 }", "field 'retry.attempts' must be a whole number from 1 to 10, got 2.5")]
    [InlineData("retry = { backoff = -1 }", "field 'retry.backoff' must be a number of seconds above 0 and at most 60, got -1")]
    [InlineData("retry = { max_delay = 'long' }", "field 'retry.max_delay' must be a number of seconds above 0 and at most 300, got string")]
    [InlineData("retry = { unsafe = 'yes' }", "field 'retry.unsafe' must be a boolean, got string")]
    [InlineData("retry = { on = 429 }", "field 'retry.on' must be a table, got number")]
    [InlineData("retry = { on = { 429, 'sometimes' } }", "field 'retry.on[2]' must be an HTTP status (100-599), \"timeout\" or \"connect\", got \"sometimes\"")]
    [InlineData("retry = { on = { 42 } }", "field 'retry.on[1]' must be an HTTP status (100-599), \"timeout\" or \"connect\", got 42")]
    [InlineData("retry = { tries = 3 }", "field 'retry.tries' is not a retry option (expected attempts, on, backoff, max_delay, unsafe)")]
    public async Task Get_WrongRetry_RaisesLuaErrorNamingTheField(string option, string expected)
    {
        var output = await RunAsync($$"""
            local ok, err = pcall(function()
              net.http:get("http://h/", { {{option}} }, function() end)
            end)
            print(err)
            script.unload()
            """);

        Assert.EndsWith(":2: bad argument #2 to 'get' (" + expected + ")", Assert.Single(output.Prints));
        Assert.Equal(0, _sent);
    }

    [Fact]
    public async Task Request_WrongRetry_NamesTheOptionsArgument()
    {
        var output = await RunAsync("""
            print(select(2, pcall(net.http.request, net.http, "http://h/", "PUT", { retry = { attempts = 0 } }, function() end)))
            script.unload()
            """);

        Assert.EndsWith("bad argument #3 to 'request' (field 'retry.attempts' must be a whole number from 1 to 10, got 0)", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Get_RetryOn503_SentAttemptsTimes_RespSaysSo()
    {
        var output = await RunAsync("""
            net.http:get("http://h/", { retry = { attempts = 3, on = { 503 }, backoff = 0.01 } }, function(r)
              print(r.status, r.attempts, r.waited > 0)
              script.unload()
            end)
            """);

        Assert.Equal("503\t3\ttrue", Assert.Single(output.Prints));
        Assert.Equal(3, _sent);
    }

    [Fact]
    public async Task Get_NoRetryOption_SentOnce_AttemptsOneWaitedZero()
    {
        var output = await RunAsync("""net.http:get("http://h/", function(r) print(r.attempts, r.waited) script.unload() end)""");

        Assert.Equal("1\t0.0", Assert.Single(output.Prints));
        Assert.Equal(1, _sent);
    }

    private Task<RecordingOutput> RunAsync(string lua) =>
        EngineRunner.RunToEndAsync(
            lua,
            requireUnloaded: false,
            configure: e => e.Transports.Pin(TransportKind.Http, "Substitute", _transport),
            withPlugins: false);
}
