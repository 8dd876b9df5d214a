using NSubstitute;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>Argument parsing and defaults of every net.http signature, against a substitute transport.</summary>
public class HttpArgumentTests
{
    private readonly List<HttpRequestSpec> _sent = [];
    private readonly IHttpTransport _transport = Substitute.For<IHttpTransport>();

    public HttpArgumentTests()
    {
        _transport.SendAsync(Arg.Any<HttpRequestSpec>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            lock (_sent)
            {
                _sent.Add(call.Arg<HttpRequestSpec>());
            }

            return Task.FromResult(new HttpResult(201, "done"u8.ToArray(), "", true));
        });
    }

    [Fact]
    public async Task Get_UrlCallback_DefaultsToGetWithTenSecondTimeout()
    {
        var output = await RunAsync("""net.http:get("http://h/a", function(r) print(r.status, r.body, r.ok, r.error == "") script.unload() end)""");

        var spec = Assert.Single(_sent);
        Assert.Equal(("GET", "http://h/a", TimeSpan.FromSeconds(10)), (spec.Method, spec.Url.ToString(), spec.Timeout));
        Assert.Null(spec.SaveToFile);
        Assert.Equal("201\tdone\ttrue\ttrue", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Get_UrlCallbackTimeout_UsesTheTimeout()
    {
        await RunAsync("""net.http:get("http://h/", function() script.unload() end, 3)""");

        Assert.Equal(TimeSpan.FromSeconds(3), Assert.Single(_sent).Timeout);
    }

    [Fact]
    public async Task Get_Options_PassesHeadersTimeoutAndResolvedDownloadPath()
    {
        var downloads = LuaScripts.NewFolder();
        await RunAsync("""
            net.http:get("http://h/f", { headers = { Authorization = "Bearer t", ["X-Trace-Id"] = "abc" },
              timeout = 5, save_to_file = "sub/big.zip" }, function() script.unload() end)
            """, downloads);

        var spec = Assert.Single(_sent);
        Assert.Equal(TimeSpan.FromSeconds(5), spec.Timeout);
        Assert.Contains(new KeyValuePair<string, string>("Authorization", "Bearer t"), spec.Headers);
        Assert.Contains(new KeyValuePair<string, string>("X-Trace-Id", "abc"), spec.Headers);
        Assert.Equal(Path.Combine(downloads, "sub", "big.zip"), spec.SaveToFile);
    }

    [Fact]
    public async Task Post_BodyContentTypeCallbackTimeout_SendsBodyBytesExactly()
    {
        await RunAsync("""net.http:post("http://h/p", "a\0\255z", "application/x-test", function() script.unload() end, 7)""");

        var spec = Assert.Single(_sent);
        Assert.Equal(("POST", "application/x-test", TimeSpan.FromSeconds(7)), (spec.Method, spec.ContentType, spec.Timeout));
        Assert.Equal(new byte[] { (byte)'a', 0, 255, (byte)'z' }, spec.Body.ToArray());
    }

    [Fact]
    public async Task Post_Options_TakesBodyAndContentType()
    {
        await RunAsync("""net.http:post("http://h/p", { body = '{"a":1}', content_type = "application/json" }, function() script.unload() end)""");

        var spec = Assert.Single(_sent);
        Assert.Equal(("POST", "application/json", "{\"a\":1}"), (spec.Method, spec.ContentType, System.Text.Encoding.UTF8.GetString(spec.Body.Span)));
        Assert.Equal(TimeSpan.FromSeconds(10), spec.Timeout);
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("put")]
    [InlineData("PATCH")]
    [InlineData("PROPFIND")]
    public async Task Request_AnyMethod_IsSentUpperCase(string method)
    {
        await RunAsync($$"""net.http:request("http://h/i/42", "{{method}}", {}, function() script.unload() end)""");

        Assert.Equal(method.ToUpperInvariant(), Assert.Single(_sent).Method);
    }

    [Theory]
    [InlineData("net.http:get(42, function() end)", "bad argument #1 to 'get' (string expected, got number)")]
    [InlineData("net.http:get('http://h/')", "net.http:get needs a callback, or call it inside task.spawn")]
    [InlineData("net.http:get('http://h/', {})", "net.http:get needs a callback, or call it inside task.spawn")]
    [InlineData("net.http:get('http://h/', function() end, 'x')", "bad argument #3 to 'get' (number expected, got string)")]
    [InlineData("net.http:get('http://h/', { timeout = 'x' }, function() end)", "bad argument #2 to 'get' (field 'timeout' must be a number, got string)")]
    [InlineData("net.http:get('http://h/', { headers = { A = 1 } }, function() end)", "bad argument #2 to 'get' (headers must map strings to strings, got string = number)")]
    [InlineData("net.http:post('http://h/', 'body', function() end)", "bad argument #3 to 'post' (string expected, got function)")]
    [InlineData("net.http:post('http://h/', 5, function() end)", "bad argument #2 to 'post' (string or table expected, got number)")]
    [InlineData("net.http:request('http://h/', 'GE T', {}, function() end)", "bad argument #2 to 'request' ('GE T' is not an HTTP method)")]
    [InlineData("net.http:request('http://h/', 'GET', function() end)", "bad argument #3 to 'request' (table expected, got function (options come before the callback; pass {} for none))")]
    [InlineData("net.http.get('http://h/', function() end)", "net.http:get must be called with a colon: net.http:get(...)")]
    [InlineData("net.http:get('http://h/', { timout = 1 }, function() end)", "bad argument #2 to 'get' (unknown option 'timout'; did you mean 'timeout'? valid options: body, body_file, connect_timeout, content_type, cookies, follow_redirects, form, headers, idle_timeout, last_event_id, max_body, multipart, on_chunk, on_event, on_progress, on_upload_progress, retry, save_to_file, timeout)")]
    [InlineData("net.http:post('http://h/', { bdy = 'x' }, function() end)", "bad argument #2 to 'post' (unknown option 'bdy'; did you mean 'body'? valid options: body, body_file, connect_timeout, content_type, cookies, follow_redirects, form, headers, idle_timeout, last_event_id, max_body, multipart, on_chunk, on_event, on_progress, on_upload_progress, retry, save_to_file, timeout)")]
    [InlineData("net.http:request('http://h/', 'PUT', { contenttype = 'x' }, function() end)", "bad argument #3 to 'request' (unknown option 'contenttype'; did you mean 'content_type'? valid options: body, body_file, connect_timeout, content_type, cookies, follow_redirects, form, headers, idle_timeout, last_event_id, max_body, multipart, on_chunk, on_event, on_progress, on_upload_progress, retry, save_to_file, timeout)")]
    [InlineData("net.http:get('http://h/', { save_to = 'x' }, function() end)", "bad argument #2 to 'get' (unknown option 'save_to'; did you mean 'save_to_file'? valid options: body, body_file, connect_timeout, content_type, cookies, follow_redirects, form, headers, idle_timeout, last_event_id, max_body, multipart, on_chunk, on_event, on_progress, on_upload_progress, retry, save_to_file, timeout)")]
    [InlineData("net.http:get('http://h/', {}, function() end, 1)", "bad argument #4 to 'get' (no argument expected here; the call is get(url, options, callback) (a timeout goes in options))")]
    [InlineData("net.http:get('http://h/', function() end, 1, 2)", "bad argument #4 to 'get' (no argument expected here; the call is get(url, callback, timeout))")]
    [InlineData("net.http:post('http://h/', {}, function() end, 5)", "bad argument #4 to 'post' (no argument expected here; the call is post(url, options, callback) (a timeout goes in options))")]
    [InlineData("net.http:post('http://h/', 'b', 'text/plain', function() end, 5, 6)", "bad argument #6 to 'post' (no argument expected here; the call is post(url, body, content_type, callback, timeout))")]
    [InlineData("net.http:request('http://h/', 'GET', {}, function() end, 5)", "bad argument #5 to 'request' (no argument expected here; the call is request(url, method, options, callback))")]
    public async Task Calls_WrongArguments_RaiseLuaErrorAtTheCallersLine(string call, string expected)
    {
        var output = await RunAsync($"""
            local ok, err = pcall(function()
              {call}
            end)
            print(err)
            script.unload()
            """);

        var line = Assert.Single(output.Prints);
        Assert.EndsWith(":2: " + expected, line);
        Assert.Empty(_sent);
    }

    [Theory]
    [InlineData("math.huge")]
    [InlineData("4294968")] // just above the longest a timer can wait (2^32 - 2 ms)
    public async Task Get_TimeoutBeyondATimer_MeansNoTimeout(string timeout)
    {
        var output = await RunAsync($$"""
            net.http:get("http://h/", { timeout = {{timeout}} }, function(r) print(r.ok) script.unload() end)
            """);

        Assert.Equal(Timeout.InfiniteTimeSpan, Assert.Single(_sent).Timeout);
        Assert.Equal("true", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Post_EmptyContentType_SendsNone()
    {
        await RunAsync("""net.http:post("http://h/", "x", "", function() script.unload() end)""");

        Assert.Null(Assert.Single(_sent).ContentType);
    }

    [Theory]
    [InlineData("Transfer-Encoding")]
    [InlineData("content-length")]
    public async Task Get_HeaderTheTransportSets_RefusedWithReason(string header)
    {
        var output = await RunAsync($$"""
            net.http:get("http://h/", { headers = { ["{{header}}"] = "chunked" } }, function(r) print(r.ok, r.status, r.error) script.unload() end)
            """);

        Assert.Empty(_sent);
        Assert.Equal($"false\t0\trefused: header '{header}' is set by the transport from the body (it sends the body with its length); leave it out", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Get_NoHttpPlugin_RaisesErrorNamingTheTransport()
    {
        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write("""print(select(2, pcall(net.http.get, net.http, "http://h/", function() end))) script.unload()""")],
            withPlugins: false);
        await runner.WaitForExitAsync();

        Assert.Contains("no plugin provides the http transport", Assert.Single(runner.Output.Prints));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Timings_AskedOfTheTransport_OnlyWhileAnObserverIsAttached(bool observed)
    {
        var observer = Substitute.For<PluginNet.Core.Observation.INetObserver>();
        await EngineRunner.RunToEndAsync(
            """net.http:get("http://h/", function() script.unload() end)""",
            requireUnloaded: false,
            options: o => observed ? o with { Observer = observer } : o,
            configure: e => e.Transports.Pin(TransportKind.Http, "Substitute", _transport),
            withPlugins: false);

        Assert.Equal(observed, Assert.Single(_sent).MeasureTimings);
    }

    private Task<RecordingOutput> RunAsync(string lua, string? downloads = null) =>
        EngineRunner.RunToEndAsync(
            lua,
            requireUnloaded: false,
            options: o => downloads is null ? o : o with { DownloadDirectory = downloads },
            configure: e => e.Transports.Pin(TransportKind.Http, "Substitute", _transport),
            withPlugins: false);
}
