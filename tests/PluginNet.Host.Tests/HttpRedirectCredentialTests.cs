using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// docs/SECURITY.md: a redirect to another host drops <c>Authorization</c>, so a token meant for one
/// server never reaches the one it redirects to. Two loopback hosts prove it: 127.0.0.1 and ::1.
/// </summary>
public class HttpRedirectCredentialTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Get_RedirectToAnotherHost_AuthorizationDropped()
    {
        await using var otherHost = new RawHttpServer(address: IPAddress.IPv6Loopback);

        var request = await GetThroughRedirectAsync(otherHost);

        Assert.Equal("[::1]", otherHost.Host);
        Assert.Empty(request.Values("Authorization"));
        Assert.Equal(["kept"], request.Values("X-Other"));
    }

    [Fact]
    public async Task Get_RedirectToTheSameHost_AuthorizationKept()
    {
        // The control: the same redirect to the same host (another port) keeps it, so the test above
        // sees the header dropped by the host change, not lost on every redirect.
        await using var sameHost = new RawHttpServer();

        var request = await GetThroughRedirectAsync(sameHost);

        Assert.Equal(["Bearer secret-token"], request.Values("Authorization"));
    }

    // A GET with Authorization to 127.0.0.1, which answers 302 to /landing on target; what target got.
    private static async Task<RawHttpRequest> GetThroughRedirectAsync(RawHttpServer target)
    {
        await using var redirector = await TestHttpServer.StartAsync(app => app.Map("/start", context =>
        {
            context.Response.Redirect(target.Url("/landing"));
            return Task.CompletedTask;
        }));
        var script = LuaScripts.Write($$"""
            net.http:get("{{redirector.Url("/start")}}", { headers = { Authorization = "Bearer secret-token", ["X-Other"] = "kept" } }, function(r)
              print(r.ok, r.body)
              script.unload()
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);

        var request = await target.NextAsync(Within);
        await runner.WaitForExitAsync(Within);

        Assert.Equal(["true\tok"], runner.Output.Prints);
        Assert.Equal("GET /landing HTTP/1.1", request.RequestLine);
        return request;
    }
}
