using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>form, multipart and body_file through the real HTTP plugin, as Kestrel on 127.0.0.1 reads them.</summary>
public class UploadTests : IAsyncLifetime
{
    private readonly List<Received> _received = [];
    private TestHttpServer _server = null!;

    private sealed record Received(string Path, string? ContentType, byte[] Body, Dictionary<string, string> Fields, List<(string Name, string FileName, string? ContentType, byte[] Bytes)> Files);

    public async Task InitializeAsync()
    {
        _server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/form", async context =>
            {
                var fields = new Dictionary<string, string>();
                var files = new List<(string, string, string?, byte[])>();
                byte[] raw = [];
                if (context.Request.HasFormContentType)
                {
                    var form = await context.Request.ReadFormAsync();
                    foreach (var (key, value) in form)
                    {
                        fields[key] = value.ToString();
                    }

                    foreach (var file in form.Files)
                    {
                        using var bytes = new MemoryStream();
                        await file.CopyToAsync(bytes);
                        files.Add((file.Name, file.FileName, file.ContentType, bytes.ToArray()));
                    }
                }
                else
                {
                    using var body = new MemoryStream();
                    await context.Request.Body.CopyToAsync(body);
                    raw = body.ToArray();
                }

                Record(new Received(context.Request.Path, context.Request.ContentType, raw, fields, files));
                await context.Response.WriteAsync("stored");
            });
            app.Map("/raw", async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                Record(new Received(context.Request.Path, context.Request.ContentType, body.ToArray(), [], []));
                await context.Response.WriteAsync("stored");
            });
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Form_FieldsArriveUrlEncoded_AsTheServerDecodesThem()
    {
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:post("{{_server.Url("/raw")}}", { form = { name = "Ada Lovelace", note = "a&b=c/é", n = 42 } },
              function(r) print(r.status, r.body) script.unload() end)
            """);

        Assert.Equal("200\tstored", Assert.Single(output.Prints));
        var received = Assert.Single(_received);
        Assert.Equal("application/x-www-form-urlencoded", received.ContentType);
        // Sorted by key, spaces as '+', everything but letters, digits and *-._ percent-encoded.
        Assert.Equal("n=42&name=Ada+Lovelace&note=a%26b%3Dc%2F%C3%A9", System.Text.Encoding.ASCII.GetString(received.Body));
    }

    [Fact]
    public async Task Form_ReadByTheServersFormParser_GivesTheValuesBack()
    {
        await HttpIntegrationTests.RunAsync($$"""
            net.http:request("{{_server.Url("/form")}}", "PUT", { form = { ["key with space"] = "x+y", empty = "" } },
              function(r) print(r.status) script.unload() end)
            """);

        var received = Assert.Single(_received);
        Assert.Equal(new Dictionary<string, string> { ["key with space"] = "x+y", ["empty"] = "" }, received.Fields);
    }

    [Fact]
    public async Task Multipart_FieldsAndFile_ArriveExactly()
    {
        var downloads = LuaScripts.NewFolder();
        var shot = TestBytes.AllValues().Concat(TestBytes.Pattern(300_000)).ToArray();
        Directory.CreateDirectory(Path.Combine(downloads, "shots"));
        await File.WriteAllBytesAsync(Path.Combine(downloads, "shots", "screen.png"), shot);

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:post("{{_server.Url("/form")}}", { multipart = {
                { name = "payload_json", value = '{"content":"hi"}', content_type = "application/json" },
                { name = "note", value = "plain text" },
                { name = "files[0]", file = "shots/screen.png", content_type = "image/png" },
                { name = "files[1]", file = "shots/screen.png", filename = "renamed.bin" },
              } }, function(r) print(r.status, r.body) script.unload() end)
            """, downloads);

        Assert.Equal("200\tstored", Assert.Single(output.Prints));
        var received = Assert.Single(_received);
        Assert.StartsWith("multipart/form-data; boundary=", received.ContentType);
        Assert.Equal(new Dictionary<string, string> { ["payload_json"] = "{\"content\":\"hi\"}", ["note"] = "plain text" }, received.Fields);
        Assert.Equal(2, received.Files.Count);
        Assert.Equal(("files[0]", "screen.png", "image/png"), (received.Files[0].Name, received.Files[0].FileName, received.Files[0].ContentType));
        Assert.Equal(("files[1]", "renamed.bin", "application/octet-stream"), (received.Files[1].Name, received.Files[1].FileName, received.Files[1].ContentType));
        Assert.Equal(shot, received.Files[0].Bytes);
        Assert.Equal(shot, received.Files[1].Bytes);
    }

    [Fact]
    public async Task BodyFile_SentByteExact_WithTheGivenContentType()
    {
        var downloads = LuaScripts.NewFolder();
        var bytes = TestBytes.AllValues().Concat(TestBytes.Pattern(2 * 1024 * 1024 + 7)).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(downloads, "upload.bin"), bytes);

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:request("{{_server.Url("/raw")}}", "PUT", { body_file = "upload.bin", content_type = "application/x-test" },
              function(r) print(r.status, r.body) script.unload() end)
            """, downloads);

        Assert.Equal("200\tstored", Assert.Single(output.Prints));
        var received = Assert.Single(_received);
        Assert.Equal("application/x-test", received.ContentType);
        Assert.Equal(bytes, received.Body);
    }

    [Theory]
    [InlineData("{ body_file = '../outside.bin' }", "refused: body_file '../outside.bin' is outside the download folder")]
    [InlineData("{ body_file = 'missing.bin' }", "refused: body_file 'missing.bin' does not exist in the download folder")]
    [InlineData("{ multipart = { { name = 'f', file = '../../etc/passwd' } } }", "refused: multipart part 1 ('f') file '../../etc/passwd' is outside the download folder")]
    [InlineData("{ multipart = { { name = 'a', value = 'x' }, { name = 'f', file = 'nope.png' } } }", "refused: multipart part 2 ('f') file 'nope.png' does not exist in the download folder")]
    [InlineData("{ multipart = { { name = 'a\\r\\nX-Injected: 1', value = 'x' } } }", "refused: multipart part 1: its name or filename 'a\\n")]
    [InlineData("{ multipart = { { name = 'f', file = 'here.bin', filename = 'a\\nb.png' } } }", "refused: multipart part 1: its name or filename 'a\\nb.png' has a line break or a quote")]
    [InlineData("{ multipart = { { name = 'f', file = 'here.bin', filename = 'a\".png' } } }", "refused: multipart part 1: its name or filename 'a\".png' has a line break or a quote")]
    [InlineData("{ form = { ['a\\r\\nb'] = 'x' } }", "refused: form field 'a\\n")]
    public async Task Upload_RefusedFileOrName_FailsWithTheReasonAndSendsNothing(string options, string expected)
    {
        var downloads = LuaScripts.NewFolder();
        await File.WriteAllBytesAsync(Path.Combine(downloads, "here.bin"), [1, 2, 3]);

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:post("{{_server.Url("/form")}}", {{options}}, function(r) print(r.ok, r.status, r.error) script.unload() end)
            """, downloads);

        Assert.StartsWith("false\t0\t" + expected, Assert.Single(output.Prints));
        Assert.Empty(_received);
    }

    [Theory]
    [InlineData("{ body_file = 'link.bin' }", "refused: body_file 'link.bin' leads outside the download folder through a symbolic link")]
    [InlineData("{ multipart = { { name = 'f', file = 'link.bin' } } }", "refused: multipart part 1 ('f') file 'link.bin' leads outside the download folder through a symbolic link")]
    public async Task Upload_SymbolicLinkLeadingOut_RefusedAndNothingSent(string options, string expected)
    {
        var downloads = LuaScripts.NewFolder();
        var secret = Path.Combine(LuaScripts.NewFolder(), "secret.txt");
        await File.WriteAllTextAsync(secret, "not for upload");
        File.CreateSymbolicLink(Path.Combine(downloads, "link.bin"), secret);

        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:post("{{_server.Url("/raw")}}", {{options}}, function(r) print(r.ok, r.status, r.error) script.unload() end)
            """, downloads);

        Assert.Equal("false\t0\t" + expected, Assert.Single(output.Prints));
        Assert.Empty(_received);
    }

    private void Record(Received received)
    {
        lock (_received)
        {
            _received.Add(received);
        }
    }
}
