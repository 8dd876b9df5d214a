using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// Request headers a script sets reach the server exactly as given, replacing any default of the same
/// name, on every method and signature; checked on the raw header lines a real server received.
/// </summary>
public class HttpHeaderTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);
    private RawHttpServer _server = null!;

    // Each way a script can send a request with an options table, by the method it sends.
    public static TheoryData<string> Calls => new()
    {
        "get",
        "post",
        "GET",
        "POST",
        "PUT",
        "DELETE",
        "PATCH",
        "HEAD",
        "OPTIONS",
        "PROPFIND",
    };

    public Task InitializeAsync()
    {
        _server = new RawHttpServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Headers_GivenByTheScript_ArriveExactlyAsGivenOnce(string call)
    {
        var request = await SendAsync(call, """
            headers = {
              Accept = "application/json",
              ["User-Agent"] = "MyMod/1.0",
              Authorization = "Bearer abc.def",
              ["X-Mod-Id"] = "hud 2",
            },
            """);

        Assert.Equal(["application/json"], request.Values("Accept"));
        Assert.Equal(["MyMod/1.0"], request.Values("User-Agent"));
        Assert.Equal(["Bearer abc.def"], request.Values("Authorization"));
        Assert.Equal(["hud 2"], request.Values("X-Mod-Id"));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Headers_NamesInAnyCase_ReplaceTheDefaults(string call)
    {
        var request = await SendAsync(call, """headers = { accept = "text/csv", ["user-agent"] = "MyMod/2.0" },""");

        Assert.Equal(["text/csv"], request.Values("Accept"));
        Assert.Equal(["MyMod/2.0"], request.Values("User-Agent"));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Headers_NotGiven_DefaultsApply(string call)
    {
        var request = await SendAsync(call, "");

        Assert.Equal(["PluginNet"], request.Values("User-Agent"));
        Assert.Single(request.Values("Accept"));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task ContentType_InHeadersAndAsContentType_TheHeaderWins(string call)
    {
        var request = await SendAsync(call, """
            body = "{}", content_type = "text/plain",
            headers = { ["Content-Type"] = "application/vnd.mod+json; charset=utf-8" },
            """);

        Assert.Equal(["application/vnd.mod+json; charset=utf-8"], request.Values("Content-Type"));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task ContentType_OnlyAsContentType_ArrivesExactly(string call)
    {
        var request = await SendAsync(call, """body = "{}", content_type = "application/json",""");

        Assert.Equal(["application/json"], request.Values("Content-Type"));
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task ContentType_OnlyInHeaders_ArrivesExactlyEvenWithoutBody(string call)
    {
        var request = await SendAsync(call, """headers = { ["content-type"] = "text/x-mod" },""");

        Assert.Equal(["text/x-mod"], request.Values("Content-Type"));
    }

    [Fact]
    public async Task PostSeedSignature_ContentTypeArgument_ArrivesExactly()
    {
        var request = await RunAsync($$"""
            net.http:post("{{_server.Url("/p")}}", "a=1", "application/x-www-form-urlencoded", function(r) print(r.status) script.unload() end)
            """);

        Assert.Equal(["application/x-www-form-urlencoded"], request.Values("Content-Type"));
        Assert.Equal(["PluginNet"], request.Values("User-Agent"));
        Assert.Equal("a=1"u8.ToArray(), request.Body);
    }

    // Sends one request with `options` (the inside of an options table) the way `call` names.
    private Task<RawHttpRequest> SendAsync(string call, string options)
    {
        var url = _server.Url("/h");
        var done = "function(r) print(r.status) script.unload() end";
        var lua = call switch
        {
            "get" => $$"""net.http:get("{{url}}", { {{options}} }, {{done}})""",
            "post" => $$"""net.http:post("{{url}}", { {{options}} }, {{done}})""",
            _ => $$"""net.http:request("{{url}}", "{{call}}", { {{options}} }, {{done}})""",
        };
        return RunAsync(lua, call is "get" or "post" ? call.ToUpperInvariant() : call);
    }

    private async Task<RawHttpRequest> RunAsync(string lua, string method = "POST")
    {
        await using var runner = await EngineRunner.StartAsync([LuaScripts.Write(lua)]);
        var request = await _server.NextAsync(Within);
        await runner.WaitForExitAsync(Within);
        Assert.StartsWith(method + " ", request.RequestLine, StringComparison.Ordinal);
        Assert.Equal(["200"], runner.Output.Prints);
        return request;
    }
}
