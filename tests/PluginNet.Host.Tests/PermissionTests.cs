using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>The permissions section of plugins.json restricts what a script's net calls may reach.</summary>
public class PermissionTests
{
    [Fact]
    public async Task Http_HostNotAllowed_RefusedSayingAPermissionRefusedItAndNothingSent()
    {
        var requests = 0;
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/", context =>
        {
            Interlocked.Increment(ref requests);
            return context.Response.WriteAsync("hi");
        }));
        var script = LuaScripts.Write($$"""
            net.http:get("{{server.Url("/")}}", function(r)
              print(r.ok, r.status, r.error)
              net.ws:connect("ws://127.0.0.1:1/", { on_error = function(id, e) print("ws", e) end,
                on_close = function(id, code) print("ws close", code) script.unload() end })
            end)
            """, "locked.lua");
        var config = await WriteConfigAsync("""
            "permissions": { "default": { "http": ["*"] }, "scripts": { "locked.lua": { "http": ["api.example.com"], "ws": [] } } }
            """);

        var runner = await EngineRunner.StartAsync([script], pluginsJson: config);
        await runner.WaitForExitAsync();

        Assert.Equal(
            [
                "false\t0\trefused by a permission: net.http may not reach '127.0.0.1' (plugins.json permissions allow api.example.com); add the host to the \"http\" list there to allow it",
                "ws\trefused by a permission: net.ws may not reach '127.0.0.1' (plugins.json permissions allow nothing); add the host to the \"ws\" list there to allow it",
                "ws close\t1006",
            ],
            runner.Output.Prints);
        Assert.Equal(0, requests);
    }

    [Fact]
    public async Task Http_WildcardSubdomainAndDefaultRules_Allowed()
    {
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/", context => context.Response.WriteAsync("hi")));
        var script = LuaScripts.Write($$"""net.http:get("{{server.Url("/")}}", function(r) print(r.ok, r.body) script.unload() end)""", "free.lua");
        var config = await WriteConfigAsync("""
            "permissions": { "default": { "http": ["*.example.com", "127.0.0.1"] }, "scripts": { "other.lua": { "http": [] } } }
            """);

        var runner = await EngineRunner.StartAsync([script], pluginsJson: config);
        await runner.WaitForExitAsync();

        Assert.Equal(["true\thi"], runner.Output.Prints);
    }

    [Fact]
    public async Task Http_RedirectToHostNotAllowed_RefusedAndTargetNeverReached()
    {
        var targetHits = 0;
        await using var server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/target", context =>
            {
                Interlocked.Increment(ref targetHits);
                return context.Response.WriteAsync("target");
            });
        });
        var port = new Uri(server.BaseUrl).Port;
        await using var redirector = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/same", context =>
            {
                context.Response.Redirect($"http://localhost:{port}/target");
                return Task.CompletedTask;
            });
            app.Map("/away", context =>
            {
                context.Response.Redirect(server.Url("/target")); // 127.0.0.1: not in the allowed list
                return Task.CompletedTask;
            });
        });
        var redirectorPort = new Uri(redirector.BaseUrl).Port;
        var script = LuaScripts.Write($$"""
            net.http:get("http://localhost:{{redirectorPort}}/same", function(r)
              print("same", r.ok, r.body)
              net.http:get("http://localhost:{{redirectorPort}}/away", function(r2)
                print("away", r2.ok, r2.status, r2.error)
                script.unload()
              end)
            end)
            """, "redirected.lua");
        var config = await WriteConfigAsync("""
            "permissions": { "scripts": { "redirected.lua": { "http": ["localhost"] } } }
            """);

        var runner = await EngineRunner.StartAsync([script], pluginsJson: config);
        await runner.WaitForExitAsync();

        Assert.Equal("same\ttrue\ttarget", runner.Output.Prints[0]);
        Assert.StartsWith("away\tfalse\t0\trefused by a permission: net.http may not reach '127.0.0.1'", runner.Output.Prints[1]);
        Assert.Contains("(reached through a redirect from http://localhost:", runner.Output.Prints[1]);
        Assert.Equal(1, targetHits); // only the allowed hop reached it
    }

    [Theory]
    [InlineData("*.example.com", "api.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("api.example.com", "API.example.com", true)]
    [InlineData("*", "anything", true)]
    public void CheckHttp_Patterns_MatchAsDocumented(string pattern, string host, bool allowed)
    {
        var rules = new ScriptPermissions([pattern], null, null);

        Assert.Equal(allowed, rules.CheckHttp(new Uri($"http://{host}/")) is null);
    }

    [Theory]
    [InlineData("\"permissions\": []", "permissions", "must be an object")]
    [InlineData("\"permissions\": { \"default\": { \"http\": \"*\" } }", "permissions.default.http", "must be an array of host names")]
    [InlineData("\"permissions\": { \"scripts\": { \"a.lua\": { \"listen\": [70000] } } }", "permissions.scripts.a.lua.listen", "must be an array of ports")]
    [InlineData("\"permissions\": { \"default\": { \"smtp\": [] } }", "permissions.default.smtp", "unknown field")]
    public void Parse_MalformedPermissions_NamesTheField(string section, string field, string problem)
    {
        var error = Assert.Throws<PluginConfigException>(() => PluginConfig.Parse("/p/plugins.json", $"{{ \"plugins\": [], {section} }}"));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Message);
    }

    private static async Task<string> WriteConfigAsync(string permissions)
    {
        var folder = LuaScripts.NewFolder();
        var plugins = Path.Combine(RepoPaths.Root, "artifacts", "plugins").Replace("\\", "/");
        var path = Path.Combine(folder, "plugins.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "plugins": [
                { "name": "Http", "path": "{{plugins}}/Http/PluginNet.Plugins.Http.dll" },
                { "name": "WsClient", "path": "{{plugins}}/WsClient/PluginNet.Plugins.WsClient.dll" }
              ],
              {{permissions}}
            }
            """);
        return path;
    }
}
