using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>
/// net.http over https:// and net.ws over wss:// against Kestrel on 127.0.0.1 with a certificate from
/// an authority made at test time, trusted (or pinned) through the <c>tls</c> section of plugins.json;
/// and each way a certificate can be refused, with its message.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private static readonly byte[] Binary = TestBytes.Pattern(256 * 1024);
    private readonly TestAuthority _authority = TestAuthority.Create();
    private readonly string _folder = LuaScripts.NewFolder();

    public enum Refusal
    {
        Untrusted,
        WrongName,
        Expired,
        PinMismatch,
    }

    public void Dispose() => _authority.Dispose();

    [Fact]
    public async Task Https_GetPostAndSaveToFile_TrustedTestAuthority_Succeed()
    {
        using var certificate = _authority.Issue();
        await using var server = await StartServerAsync(certificate);
        var downloads = LuaScripts.NewFolder();

        var output = await RunAsync($$"""
            net.http:get("{{server.Url("/hello")}}", function(r)
              print("get", r.status, r.ok, r.body)
              net.http:post("{{server.Url("/echo")}}", "sent over TLS", "text/plain", function(p)
                print("post", p.status, p.ok, p.body)
                net.http:get("{{server.Url("/binary")}}", { save_to_file = "tls.bin" }, function(f)
                  print("save", f.status, f.ok, #f.error)
                  script.unload()
                end)
              end)
            end)
            """, TrustTheAuthority(), downloads);

        Assert.Equal(["get\t200\ttrue\thello over TLS", "post\t200\ttrue\tsent over TLS", "save\t200\ttrue\t0"], output.Prints);
        Assert.Equal(Binary, await File.ReadAllBytesAsync(Path.Combine(downloads, "tls.bin")));
    }

    [Fact]
    public async Task Wss_EchoBinaryAndCloseCodes_TrustedTestAuthority_Work()
    {
        using var certificate = _authority.Issue();
        await using var server = await StartServerAsync(certificate);

        var output = await RunAsync(TestBytes.LuaPatternCheck + $$"""
            local binary
            net.ws:connect("{{server.WebSocketUrl("/echo")}}", {
              on_open = function(id) net.ws:send(id, "héllo over wss") end,
              on_message = function(id, msg) print("echo", msg) net.ws:close(id) end,
              on_close = function(id, code)
                print("client close", code)
                net.ws:connect("{{server.WebSocketUrl("/binary-then-4001")}}", {
                  on_message = function(_, msg) binary = msg end,
                  on_close = function(_, code2, reason)
                    print("server close", code2, reason, #binary, matches_pattern(binary))
                    script.unload()
                  end,
                })
              end,
            })
            """, TrustTheAuthority());

        Assert.Equal(["echo\théllo over wss", "client close\t1000", $"server close\t4001\tbye\t{Binary.Length}\ttrue"], output.Prints);
    }

    [Fact]
    public async Task Https_PinnedSelfSignedCertificate_AcceptedWithoutAnyAuthority()
    {
        using var certificate = TestAuthority.SelfSigned("127.0.0.1");
        await using var server = await StartServerAsync(certificate);

        var output = await RunAsync(
            $$"""net.http:get("{{server.Url("/hello")}}", function(r) print(r.status, r.body, r.error) script.unload() end)""",
            $$"""{ "pins": { "127.0.0.1": ["{{TlsRules.PinOf(certificate)}}"] } }""");

        Assert.Equal(["200\thello over TLS\t"], output.Prints);
    }

    [Theory]
    [InlineData(Refusal.Untrusted)]
    [InlineData(Refusal.WrongName)]
    [InlineData(Refusal.Expired)]
    [InlineData(Refusal.PinMismatch)]
    public async Task Https_RefusedCertificate_SaysWhyAndSendsNothing(Refusal refusal)
    {
        var (certificate, tls, reason) = Case(refusal);
        using var _ = certificate;
        var requests = 0;
        await using var server = await StartServerAsync(certificate, () => Interlocked.Increment(ref requests));

        var output = await RunAsync($$"""net.http:get("{{server.Url("/hello")}}", function(r) print(r.ok, r.status, r.error) script.unload() end)""", tls);

        Assert.Equal([$"false\t0\tTLS check of 127.0.0.1:{new Uri(server.BaseUrl).Port} failed: {reason}"], output.Prints);
        Assert.Equal(0, requests);
    }

    [Theory]
    [InlineData(Refusal.Untrusted)]
    [InlineData(Refusal.WrongName)]
    [InlineData(Refusal.Expired)]
    [InlineData(Refusal.PinMismatch)]
    public async Task Wss_RefusedCertificate_OnErrorSaysWhyThenClose1006(Refusal refusal)
    {
        var (certificate, tls, reason) = Case(refusal);
        using var _ = certificate;
        await using var server = await StartServerAsync(certificate);
        var url = server.WebSocketUrl("/echo");

        var output = await RunAsync($$"""
            net.ws:connect("{{url}}", {
              on_open = function() print("opened") end,
              on_error = function(_, err) print("error", err) end,
              on_close = function(_, code) print("close", code) script.unload() end,
            })
            """, tls);

        Assert.Equal([$"error\tcannot connect to {url}: TLS check failed: {reason}", "close\t1006"], output.Prints);
    }

    [Fact]
    public async Task MinVersion13_ServerOnlySpeaks12_RefusedForBoth_And12Accepted()
    {
        using var certificate = _authority.Issue();
        await using var server = await StartServerAsync(certificate, protocols: SslProtocols.Tls12);
        var script = $$"""
            net.http:get("{{server.Url("/hello")}}", function(r)
              print(r.ok, r.error)
              net.ws:connect("{{server.WebSocketUrl("/echo")}}", {
                on_error = function(_, err) print("ws", err) end,
                on_open = function(id) print("ws open") net.ws:close(id) end,
                on_close = function() script.unload() end,
              })
            end)
            """;
        var pem = _authority.WritePem(_folder).Replace("\\", "/");

        var strict = await RunAsync(script, $$"""{ "trusted_ca": ["{{pem}}"], "min_version": "1.3" }""");
        var lenient = await RunAsync(script, $$"""{ "trusted_ca": ["{{pem}}"], "min_version": "1.2" }""");

        var port = new Uri(server.BaseUrl).Port;
        Assert.Equal(
            [
                $"false\tTLS handshake with 127.0.0.1:{port} failed (no TLS version or cipher both sides accept, or not a TLS server)",
                $"ws\tcannot connect to {server.WebSocketUrl("/echo")}: TLS handshake failed (no TLS version or cipher both sides accept, or not a TLS server)",
            ],
            strict.Prints);
        Assert.Equal(["true\t", "ws open"], lenient.Prints);
    }

    [Fact]
    public async Task HttpsAndWssUsed_ThenPluginsUnloaded_BothContextsCollected()
    {
        using var certificate = _authority.Issue();
        await using var server = await StartServerAsync(certificate);
        var config = await WriteConfigAsync(TrustTheAuthority());
        var script = LuaScripts.Write($$"""
            net.http:get("{{server.Url("/hello")}}", function(r)
              print("http", r.body)
              net.ws:connect("{{server.WebSocketUrl("/echo")}}", {
                on_open = function(id) net.ws:send(id, "x") end,
                on_message = function(id, msg) print("ws", msg) net.ws:close(id) end,
                on_close = function(_, code) print("closed", code) end,
              })
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script], pluginsJson: config);
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("closed", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        var http = await LoadContexts.UnloadPluginAsync(runner, "Http");
        var ws = await LoadContexts.UnloadPluginAsync(runner, "WsClient");

        Assert.Equal(["http\thello over TLS", "ws\tx", "closed\t1000"], runner.Output.Prints);
        Assert.True(await LoadContexts.CollectedAsync(http), "the Http plugin's load context is still alive after TLS connections");
        Assert.True(await LoadContexts.CollectedAsync(ws), "the WsClient plugin's load context is still alive after a wss:// connection");
    }

    private static async Task<TestHttpServer> StartServerAsync(X509Certificate2 certificate, Action? onRequest = null, SslProtocols protocols = SslProtocols.None) =>
        await TestHttpServer.StartAsync(
            app =>
            {
                app.Use((context, next) =>
                {
                    onRequest?.Invoke();
                    return next(context);
                });
                app.Map("/hello", context => context.Response.WriteAsync("hello over TLS"));
                app.Map("/binary", context => context.Response.Body.WriteAsync(Binary).AsTask());
                app.Map("/echo", async context =>
                {
                    if (!context.WebSockets.IsWebSocketRequest)
                    {
                        using var body = new MemoryStream();
                        await context.Request.Body.CopyToAsync(body);
                        await context.Response.Body.WriteAsync(body.ToArray());
                        return;
                    }

                    using var socket = await context.WebSockets.AcceptWebSocketAsync();
                    var buffer = new byte[64 * 1024];
                    while (true)
                    {
                        var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                        if (received.MessageType == WebSocketMessageType.Close)
                        {
                            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                            return;
                        }

                        await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
                    }
                });
                app.Map("/binary-then-4001", async context =>
                {
                    using var socket = await context.WebSockets.AcceptWebSocketAsync();
                    await socket.SendAsync(Binary, WebSocketMessageType.Binary, true, context.RequestAborted);
                    await socket.CloseAsync((WebSocketCloseStatus)4001, "bye", context.RequestAborted);
                });
            },
            certificate,
            protocols);

    private (X509Certificate2 Certificate, string Tls, string Reason) Case(Refusal refusal)
    {
        switch (refusal)
        {
            case Refusal.Untrusted:
                return (_authority.Issue(), "{}", "untrusted issuer: the certificate of '127.0.0.1' was issued by 'CN=PluginNet Test CA', which is not a trusted authority; add that authority's certificate to tls.trusted_ca in plugins.json, or pin the server's key with tls.pins");
            case Refusal.WrongName:
                return (_authority.Issue(["companion.test"]), TrustTheAuthority(), "wrong host name: the certificate is for 'companion.test', not '127.0.0.1'");
            case Refusal.Expired:
                var expired = _authority.Issue(notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
                return (expired, TrustTheAuthority(), $"the certificate of '127.0.0.1' expired on {expired.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
            default:
                var issued = _authority.Issue();
                using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    var otherPin = "sha256/" + Convert.ToBase64String(SHA256.HashData(other.ExportSubjectPublicKeyInfo()));
                    var pem = _authority.WritePem(_folder).Replace("\\", "/");
                    return (issued, $$"""{ "trusted_ca": ["{{pem}}"], "pins": { "127.0.0.1": ["{{otherPin}}"] } }""",
                        $"pin mismatch: the certificate of '127.0.0.1' has the key {TlsRules.PinOf(issued)}, which is not one pinned for it in plugins.json (tls.pins); if the server's key changed on purpose, pin the new one there");
                }
        }
    }

    private string TrustTheAuthority() => $$"""{ "trusted_ca": ["{{_authority.WritePem(_folder).Replace("\\", "/")}}"] }""";

    private static async Task<string> WriteConfigAsync(string tls)
    {
        var plugins = Path.Combine(RepoPaths.Root, "artifacts", "plugins").Replace("\\", "/");
        var config = Path.Combine(LuaScripts.NewFolder(), "plugins.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "plugins": [
                { "name": "Http", "path": "{{plugins}}/Http/PluginNet.Plugins.Http.dll" },
                { "name": "WsClient", "path": "{{plugins}}/WsClient/PluginNet.Plugins.WsClient.dll" }
              ],
              "tls": {{tls}}
            }
            """);
        return config;
    }

    private async Task<RecordingOutput> RunAsync(string lua, string tls, string? downloads = null)
    {
        var config = await WriteConfigAsync(tls);
        return await EngineRunner.RunToEndAsync(
            lua,
            TimeSpan.FromSeconds(60),
            options: o => downloads is null ? o : o with { DownloadDirectory = downloads },
            pluginsJson: config);
    }
}
