using System.Net;
using Microsoft.AspNetCore.Builder;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>
/// The HTTP and WebSocket client plugins check the address they connect to, not only the name: a
/// permitted name that resolves (through a resolver the test controls) to 127.0.0.1 is refused unless
/// the permissions list that range in <c>private_addresses</c>.
/// </summary>
public class AddressCheckTests
{
    [Fact]
    public async Task PermittedNameResolvingToLoopback_RefusedByDefault_NothingSent()
    {
        var requests = 0;
        await using var server = await StartServerAsync(() => Interlocked.Increment(ref requests));
        var port = new Uri(server.BaseUrl).Port;

        var output = await RunAsync(Script(port), """{ "default": { "http": ["companion.test"], "ws": ["companion.test"] } }""");

        const string Refusal = "refused by a permission: 'companion.test' resolves to 127.0.0.1, a loopback address, which a host name may not lead to (DNS rebinding); name the address in the URL itself, or add it to the \"private_addresses\" list of plugins.json permissions";
        Assert.Equal(["http\tfalse\t0\t" + Refusal, $"ws\tcannot connect to ws://companion.test:{port}/ws: {Refusal}", "ws close\t1006"], output.Prints);
        Assert.Equal(0, requests);
    }

    [Theory]
    [InlineData("[\"127.0.0.1\"]")]
    [InlineData("[\"127.0.0.0/8\"]")]
    [InlineData("[\"*\"]")]
    public async Task PermittedNameResolvingToLoopback_AllowedWhenPrivateAddressesListIt(string ranges)
    {
        await using var server = await StartServerAsync();
        var port = new Uri(server.BaseUrl).Port;

        var output = await RunAsync(Script(port), $$"""{ "default": { "http": ["companion.test"], "ws": ["companion.test"], "private_addresses": {{ranges}} } }""");

        Assert.Equal(["http\ttrue\t200\t", "ws open", "ws close\t1000"], output.Prints);
    }

    [Fact]
    public async Task NameResolvingToLoopback_OnlyTheScriptWhoseRulesListItGetsThrough()
    {
        await using var server = await StartServerAsync();
        var port = new Uri(server.BaseUrl).Port;
        var get = $$"""net.http:get("http://companion.test:{{port}}/", function(r) print(_SCRIPT_PATH:match("[^/\\]+$"), r.ok) script.unload() end)""";
        var trusted = LuaScripts.Write(get, "trusted.lua");
        var other = LuaScripts.Write(get, "other.lua");

        var output = await RunScriptsAsync([trusted, other], """{ "scripts": { "trusted.lua": { "private_addresses": ["127.0.0.1"] } } }""");

        Assert.Equal(["other.lua\tfalse", "trusted.lua\ttrue"], output.Prints.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RedirectToANameResolvingToLoopback_RefusedAtThatHop()
    {
        var reached = 0;
        await using var server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/away", context =>
            {
                context.Response.Redirect($"http://companion.test:{context.Connection.LocalPort}/target");
                return Task.CompletedTask;
            });
            app.Map("/target", context =>
            {
                Interlocked.Increment(ref reached);
                return Task.CompletedTask;
            });
        });

        var output = await RunAsync(
            $$"""net.http:get("{{server.Url("/away")}}", function(r) print(r.ok, r.status, r.error) script.unload() end)""",
            """{ "default": { "http": ["127.0.0.1", "companion.test"] } }""");

        Assert.Equal(["false\t0\trefused by a permission: 'companion.test' resolves to 127.0.0.1, a loopback address, which a host name may not lead to (DNS rebinding); name the address in the URL itself, or add it to the \"private_addresses\" list of plugins.json permissions"], output.Prints);
        Assert.Equal(0, reached);
    }

    private static string Script(int port) => $$"""
        net.http:get("http://companion.test:{{port}}/", function(r)
          print("http", r.ok, r.status, r.error)
          net.ws:connect("ws://companion.test:{{port}}/ws", {
            on_open = function(id) print("ws open") net.ws:close(id) end,
            on_error = function(_, err) print("ws", err) end,
            on_close = function(_, code) print("ws close", code) script.unload() end,
          })
        end)
        """;

    private static Task<TestHttpServer> StartServerAsync(Action? onRequest = null) => TestHttpServer.StartAsync(app =>
    {
        app.Use((context, next) =>
        {
            onRequest?.Invoke();
            return next(context);
        });
        TestHttpServer.MapEcho(app, "/ws");
        app.Map("/", context => Task.CompletedTask);
    });

    private static Task<RecordingOutput> RunAsync(string lua, string permissions) => RunScriptsAsync([LuaScripts.Write(lua)], permissions);

    private static async Task<RecordingOutput> RunScriptsAsync(string[] scripts, string permissions)
    {
        var plugins = Path.Combine(RepoPaths.Root, "artifacts", "plugins").Replace("\\", "/");
        var config = Path.Combine(LuaScripts.NewFolder(), "plugins.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "plugins": [
                { "name": "Http", "path": "{{plugins}}/Http/PluginNet.Plugins.Http.dll" },
                { "name": "WsClient", "path": "{{plugins}}/WsClient/PluginNet.Plugins.WsClient.dll" }
              ],
              "permissions": {{permissions}}
            }
            """);

        // companion.test is a name only this resolver knows: it points at the loopback test server.
        return await EngineRunner.RunToEndAsync(
            scripts,
            TimeSpan.FromSeconds(60),
            options: o => o with
            {
                Resolver = (name, _) => name == "companion.test"
                    ? Task.FromResult<IPAddress[]>([IPAddress.Loopback])
                    : Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound)),
            },
            pluginsJson: config);
    }
}
