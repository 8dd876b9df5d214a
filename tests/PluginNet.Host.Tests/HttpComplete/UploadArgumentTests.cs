using NSubstitute;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>form, multipart, body_file and cookies: what the transport is handed, and the Lua errors for wrong ones.</summary>
public class UploadArgumentTests
{
    private readonly List<HttpRequestSpec> _sent = [];
    private readonly IHttpTransport _transport = Substitute.For<IHttpTransport>();

    public UploadArgumentTests()
    {
        _transport.SendAsync(Arg.Any<HttpRequestSpec>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            lock (_sent)
            {
                _sent.Add(call.Arg<HttpRequestSpec>());
            }

            return Task.FromResult(new HttpResult(200, [], "", true));
        });
    }

    [Fact]
    public async Task Form_BecomesTheBody_WithItsContentTypeUnlessOneIsGiven()
    {
        await RunAsync("""
            net.http:post("http://h/a", { form = { b = "2", a = 1.5 } }, function()
              net.http:post("http://h/b", { form = { x = "y" }, content_type = "application/x-www-form-urlencoded; charset=utf-8" }, function()
                script.unload()
              end)
            end)
            """);

        Assert.Equal(2, _sent.Count);
        Assert.Equal(("a=1.5&b=2", "application/x-www-form-urlencoded"), (System.Text.Encoding.ASCII.GetString(_sent[0].Body.Span), _sent[0].ContentType));
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", _sent[1].ContentType);
        Assert.All(_sent, s => Assert.Null(s.Multipart));
    }

    [Fact]
    public async Task Multipart_PartsResolvedInTheDownloadFolder_InOrder()
    {
        var downloads = LuaScripts.NewFolder();
        Directory.CreateDirectory(Path.Combine(downloads, "shots"));
        await File.WriteAllBytesAsync(Path.Combine(downloads, "shots", "a.png"), [1]);

        await RunAsync("""
            net.http:post("http://h/", { multipart = {
              { name = "payload_json", value = "{}", content_type = "application/json" },
              { name = "file", file = "shots/a.png", filename = "shot.png" },
            } }, function() script.unload() end)
            """, downloads);

        var spec = Assert.Single(_sent);
        Assert.Equal(
            [new HttpMultipartPart("payload_json", "{}", null, null, "application/json"), new HttpMultipartPart("file", null, Path.Combine(downloads, "shots", "a.png"), "shot.png", null)],
            spec.Multipart!);
        Assert.True(spec.Body.IsEmpty);
        Assert.Null(spec.ContentType);
    }

    [Fact]
    public async Task BodyFile_ResolvedInTheDownloadFolder()
    {
        var downloads = LuaScripts.NewFolder();
        await File.WriteAllBytesAsync(Path.Combine(downloads, "up.bin"), [1]);

        await RunAsync("""net.http:request("http://h/", "PUT", { body_file = "up.bin" }, function() script.unload() end)""", downloads);

        Assert.Equal(Path.Combine(downloads, "up.bin"), Assert.Single(_sent).BodyFile);
    }

    [Fact]
    public async Task Cookies_OneJarPerScript_NoneWhenOff()
    {
        var jarScript = """
            net.http:get("http://h/1", { cookies = true }, function()
              net.http:get("http://h/2", { cookies = true }, function()
                net.http:get("http://h/3", { cookies = false }, function()
                  net.http:get("http://h/4", function() script.unload() end)
                end)
              end)
            end)
            """;
        await using var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write(jarScript), LuaScripts.Write(jarScript)],
            configure: e => e.Transports.Pin(TransportKind.Http, "Substitute", _transport),
            withPlugins: false);
        await runner.WaitForExitAsync();

        var byPath = _sent.GroupBy(s => s.Url.AbsolutePath).ToDictionary(g => g.Key, g => g.Select(s => s.Cookies).ToList());
        Assert.All(byPath["/1"], jar => Assert.NotNull(jar));
        Assert.NotSame(byPath["/1"][0], byPath["/1"][1]); // the two scripts have a jar each
        Assert.Equal(byPath["/1"].ToHashSet(), byPath["/2"].ToHashSet()); // each script keeps its jar
        Assert.All(byPath["/3"].Concat(byPath["/4"]), jar => Assert.Null(jar));
    }

    [Theory]
    [InlineData("{ body = 'x', form = { a = 'b' } }", "options 'body' and 'form' conflict: a request has one body; give one of them")]
    [InlineData("{ body = 'x', multipart = { { name = 'a', value = 'b' } } }", "options 'body' and 'multipart' conflict: a request has one body; give one of them")]
    [InlineData("{ body = 'x', body_file = 'f' }", "options 'body' and 'body_file' conflict: a request has one body; give one of them")]
    [InlineData("{ form = {}, multipart = { { name = 'a', value = 'b' } } }", "options 'form' and 'multipart' conflict: a request has one body; give one of them")]
    [InlineData("{ form = {}, body_file = 'f' }", "options 'form' and 'body_file' conflict: a request has one body; give one of them")]
    [InlineData("{ multipart = { { name = 'a', value = 'b' } }, body_file = 'f' }", "options 'multipart' and 'body_file' conflict: a request has one body; give one of them")]
    [InlineData("{ multipart = { { name = 'a', value = 'b' } }, content_type = 'text/plain' }", "options 'content_type' and 'multipart' conflict: multipart sets its own Content-Type (with the boundary)")]
    [InlineData("{ form = 'a=b' }", "field 'form' must be a table, got string")]
    [InlineData("{ form = { a = true } }", "field 'form' must map strings to strings or numbers, got string = boolean")]
    [InlineData("{ form = { 'x' } }", "field 'form' must map strings to strings or numbers, got number = string")]
    [InlineData("{ multipart = 'x' }", "field 'multipart' must be a table, got string")]
    [InlineData("{ multipart = {} }", "field 'multipart' must be a list of parts ({ { name = ..., value = ... }, ... })")]
    [InlineData("{ multipart = { 'x' } }", "multipart part 1 must be a table, got string")]
    [InlineData("{ multipart = { { value = 'b' } } }", "multipart part 1 needs a 'name'")]
    [InlineData("{ multipart = { { name = 'a' } } }", "multipart part 1 ('a') needs either 'value' or 'file', not neither")]
    [InlineData("{ multipart = { { name = 'a', value = 'b', file = 'c' } } }", "multipart part 1 ('a') needs either 'value' or 'file', not both")]
    [InlineData("{ multipart = { { name = 'a', value = 'b', filename = 'c' } } }", "multipart part 1 ('a'): 'filename' goes with 'file'")]
    [InlineData("{ multipart = { { name = 'a', value = 1 } } }", "multipart part 1: field 'value' must be a string, got number")]
    [InlineData("{ multipart = { { name = 'a', value = 'b', contenttype = 'c' } } }", "unknown multipart field 'contenttype'; did you mean 'content_type'? valid multipart fields: content_type, file, filename, name, value")]
    [InlineData("{ body_file = 1 }", "field 'body_file' must be a string, got number")]
    [InlineData("{ cookies = 'yes' }", "field 'cookies' must be a boolean, got string")]
    public async Task Post_WrongUploadOptions_RaiseLuaErrorAtTheCallersLine(string options, string expected)
    {
        var output = await RunAsync($"""
            local ok, err = pcall(function()
              net.http:post("http://h/", {options}, function() end)
            end)
            print(err)
            script.unload()
            """);

        Assert.EndsWith(":2: bad argument #2 to 'post' (" + expected + ")", Assert.Single(output.Prints));
        Assert.Empty(_sent);
    }

    private Task<RecordingOutput> RunAsync(string lua, string? downloads = null) =>
        EngineRunner.RunToEndAsync(
            lua,
            requireUnloaded: false,
            options: o => downloads is null ? o : o with { DownloadDirectory = downloads },
            configure: e => e.Transports.Pin(TransportKind.Http, "Substitute", _transport),
            withPlugins: false);
}
