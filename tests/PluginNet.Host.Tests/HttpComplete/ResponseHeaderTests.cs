using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>resp.headers, resp.header_list, resp.url, resp.redirects and resp.elapsed, against a real server, on any status.</summary>
public class ResponseHeaderTests : IAsyncLifetime
{
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync(app =>
    {
        app.Map("/cookies", context =>
        {
            context.Response.Headers.Append("Set-Cookie", "a=1; Path=/");
            context.Response.Headers.Append("Set-Cookie", "b=2; Path=/");
            context.Response.Headers.Append("Set-Cookie", "c=3; Path=/");
            context.Response.Headers.Append("X-Rate-Limit-Remaining", "0");
            return context.Response.WriteAsync("ok");
        });
        app.Map("/status/{code:int}", (HttpContext context, int code) =>
        {
            context.Response.StatusCode = code;
            context.Response.Headers.Append("Retry-After", "7");
            context.Response.Headers.Append("X-Why", "because");
            return context.Response.WriteAsync("nope");
        });
        app.Map("/hop/{n:int}", (HttpContext context, int n) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = n > 1 ? $"/hop/{n - 1}" : "/end";
            context.Response.Headers.Append("X-Hop", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        });
        app.Map("/end", () => "arrived");
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ThreeSetCookieHeaders_AreThreeEntriesInHeaderList_AndJoinedInHeaders()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/cookies")}}", {}, function(r)
              for _, h in ipairs(r.header_list) do
                if h[1]:lower() == "set-cookie" then print(h[1], h[2]) end
              end
              print(r.headers["set-cookie"])
              print(r.headers["x-rate-limit-remaining"], r.headers["X-Rate-Limit-Remaining"])
              print(r.url, r.redirects, math.type(r.elapsed), r.elapsed > 0)
              script.unload()
            end)
            """);

        Assert.Equal(
            [
                "Set-Cookie\ta=1; Path=/",
                "Set-Cookie\tb=2; Path=/",
                "Set-Cookie\tc=3; Path=/",
                "a=1; Path=/, b=2; Path=/, c=3; Path=/",
                "0\tnil",
                $"{_server.Url("/cookies")}\t0\tfloat\ttrue",
            ],
            output.Prints);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(429)]
    public async Task ErrorStatus_StillHasItsHeaders(int code)
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url($"/status/{code}")}}", function(r)
              print(r.status, r.ok, r.body, r.headers["retry-after"], r.headers["x-why"])
              script.unload()
            end)
            """);

        Assert.Equal($"{code}\tfalse\tnope\t7\tbecause", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task RedirectChain_FollowedByDefault_GivesFinalUrlAndCount()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/hop/3")}}", {}, function(r)
              print(r.status, r.body, r.url, r.redirects, r.headers["x-hop"])
              script.unload()
            end)
            """);

        Assert.Equal($"200\tarrived\t{_server.Url("/end")}\t3\tnil", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task FollowRedirectsFalse_ReturnsTheFirst3xxWithItsHeaders()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{_server.Url("/hop/3")}}", { follow_redirects = false }, function(r)
              print(r.status, r.ok, r.headers["location"], r.headers["x-hop"], r.url, r.redirects)
              script.unload()
            end)
            """);

        Assert.Equal($"302\tfalse\t/hop/2\t3\t{_server.Url("/hop/3")}\t0", Assert.Single(output.Prints));
    }

    [Fact]
    public async Task FollowRedirectsTwo_FollowsTwoHops_AndFailsClearlyOnAThird()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            local left = 2
            local function done() left = left - 1 if left == 0 then script.unload() end end
            net.http:get("{{_server.Url("/hop/2")}}", { follow_redirects = 2 }, function(r)
              print("two", r.status, r.body, r.redirects, r.url) done()
            end)
            net.http:get("{{_server.Url("/hop/3")}}", { follow_redirects = 2 }, function(r)
              print("three", r.status, r.ok, r.error) done()
            end)
            """);

        Assert.Contains($"two\t200\tarrived\t2\t{_server.Url("/end")}", output.Prints);
        var three = Assert.Single(output.Prints, p => p.StartsWith("three", StringComparison.Ordinal));
        Assert.StartsWith("three\t0\tfalse\ttoo many redirects: ", three, StringComparison.Ordinal);
        Assert.Contains("after 2 hops (follow_redirects = 2)", three, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionRefused_HasEmptyHeadersAndNoUrl()
    {
        var port = LoopbackPorts.Free();
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("http://127.0.0.1:{{port}}/", function(r)
              print(r.status, #r.header_list, next(r.headers), r.url, r.redirects, r.elapsed >= 0)
              script.unload()
            end)
            """);

        Assert.Equal("0\t0\tnil\tnil\t0\ttrue", Assert.Single(output.Prints));
    }
}
