using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

public class PluginLoadingTests
{
    [Fact]
    public void LoadPlugins_DefaultConfig_LoadsHttpFromThePluginFolderIntoACollectibleContext()
    {
        var output = new RecordingOutput();
        var engine = new PluginNetEngine(new EngineOptions { Output = output });

        engine.LoadPlugins(PluginConfig.Load(RepoPaths.PluginsJson));

        var http = engine.Plugins.Find("Http");
        Assert.NotNull(http);
        Assert.True(http.LoadContext!.IsCollectible);
        Assert.StartsWith(Path.Combine(RepoPaths.Root, "artifacts", "plugins", "Http"), http.Entry.AssemblyPath);
        // Read into memory, never mapped from the file: a copy over the file in place cannot disturb it.
        // Found by name: the context's assembly list has no fixed order (a loaded run listed RestSharp first).
        var assembly = Assert.Single(http.LoadContext.Assemblies, a => a.GetName().Name == "PluginNet.Plugins.Http");
        Assert.Equal(string.Empty, assembly.Location);
        Assert.Equal("Http", engine.Transports.Http?.PluginName);
        // The transport type lives in the plugin's context, not the host's.
        Assert.NotSame(typeof(PluginNetEngine).Assembly, engine.Transports.Http!.Transport.GetType().Assembly);
    }

    [Fact]
    public async Task LoadPlugins_OneBrokenPlugin_ReportedAndTheOthersServeScripts()
    {
        var folder = LuaScripts.NewFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "Broken.dll"), "this is not an assembly");
        var config = Path.Combine(folder, "plugins.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "plugins": [
                { "name": "Broken", "path": "Broken.dll" },
                { "name": "Missing", "path": "nowhere/Missing.dll" },
                { "name": "Http", "path": "{{Path.Combine(RepoPaths.Root, "artifacts", "plugins", "Http", "PluginNet.Plugins.Http.dll").Replace("\\", "/")}}" }
              ]
            }
            """);

        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write("""net.http:get("http://127.0.0.1:1/", function(r) print(r.error) script.unload() end)""")],
            pluginsJson: config);
        await runner.WaitForExitAsync();

        Assert.Contains(runner.Output.Logs, l => l.Message.StartsWith("plugin 'Broken' not loaded", StringComparison.Ordinal) && l.Message.Contains("BadImageFormat"));
        Assert.Contains(runner.Output.Logs, l => l.Message.StartsWith("plugin 'Missing' not loaded", StringComparison.Ordinal) && l.Message.Contains("does not exist"));
        Assert.Equal(["connection refused by 127.0.0.1:1; is the server running, and is the port right?"], runner.Output.Prints);
    }

    [Theory]
    [InlineData("[]", "", "the file must hold a JSON object")]
    [InlineData("{ \"plugins\": 3 }", "plugins", "must be an array, not the number 3")]
    [InlineData("{ \"plugins\": [ { \"name\": \"A\" } ] }", "plugins[0].path", "missing")]
    [InlineData("{ \"plugins\": [ { \"name\": \"A\", \"path\": 5 } ] }", "plugins[0].path", "must be a non-empty string, not the number 5")]
    [InlineData("{ \"plugins\": [], \"transports\": { \"http\": \"Nope\" } }", "transports.http", "no plugin named \"Nope\"")]
    [InlineData("{ \"plugins\": [], \"transports\": { \"smtp\": \"A\" } }", "transports.smtp", "unknown transport")]
    [InlineData("{ \"plugins\": [], \"colour\": 1 }", "colour", "unknown field")]
    [InlineData("{ \"plugins\": [ { \"name\": \"A\", \"path\": \"a\" }, { \"name\": \"a\", \"path\": \"b\" } ] }", "plugins[1].name", "names must be unique")]
    [InlineData("{ \"plugins\": [", "", "not valid JSON")]
    public void Parse_MalformedConfig_NamesFileFieldAndProblem(string json, string field, string problem)
    {
        var error = Assert.Throws<PluginConfigException>(() => PluginConfig.Parse("/cfg/plugins.json", json));

        Assert.Equal(field, error.Field);
        Assert.StartsWith("/cfg/plugins.json: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Parse_RelativePaths_ResolveAgainstTheConfigFolder()
    {
        var config = PluginConfig.Parse("/cfg/plugins.json", """{ "plugins": [ { "name": "A", "path": "p/A.dll", "enabled": false } ], "ws_server": { "allowed_origins": ["https://x.example"] } }""");

        var entry = Assert.Single(config.Plugins);
        Assert.Equal(("/cfg/p/A.dll", false), (entry.AssemblyPath, entry.Enabled));
        Assert.Equal(["https://x.example"], config.AllowedOrigins);
    }
}
