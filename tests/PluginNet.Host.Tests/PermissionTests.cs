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
