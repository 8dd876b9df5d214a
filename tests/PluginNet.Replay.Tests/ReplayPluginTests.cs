using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Replay.Tests;

/// <summary>The Replay plugin's failures and settings, and that it unloads.</summary>
public class ReplayPluginTests
{
    [Fact]
    public async Task Replay_NoRecording_OkFalseWithClearError()
    {
        var setup = new ReplaySetup();

        var output = await ReplaySetup.RunAsync(setup.Config("replay"), """
            net.http:get("http://127.0.0.1:9/missing?q=1", function(r) print(r.status, r.ok, #r.body, r.error) script.unload() end)
            """);

        Assert.Equal(
            $"0\tfalse\t0\tno recorded exchange for GET http://127.0.0.1:9/missing?q=1 in {setup.Cassettes}; record it first with mode=record",
            Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Replay_SameUrlOtherRequestBody_NotMatched()
    {
        var setup = new ReplaySetup();
        Directory.CreateDirectory(setup.Cassettes);
        await File.WriteAllTextAsync(Path.Combine(setup.Cassettes, "0001-hand-written.json"), """
            {
              "request": { "method": "POST", "url": "http://127.0.0.1:9/api", "body": "{\"a\":1}" },
              "response": { "status": 201, "body": "created" }
            }
            """);

        var output = await ReplaySetup.RunAsync(setup.Config("replay"), ReplaySetup.InOrder + """
            in_order({
              function(k) net.http:post("http://127.0.0.1:9/api", '{"a":1}', "application/json", k) end,
              function(k) net.http:post("http://127.0.0.1:9/api", '{"a":2}', "application/json", k) end,
            }, function(n, r) print(n, r.status, r.ok, r.body, r.error) end)
            """);

        Assert.Equal(
            [
                "1\t201\ttrue\tcreated\t",
                $"2\t0\tfalse\t\tno recorded exchange for POST http://127.0.0.1:9/api in {setup.Cassettes}; record it first with mode=record",
            ],
            output.Prints);
    }

    [Fact]
    public async Task Replay_BrokenRecording_FailsNamingTheFile()
    {
        var setup = new ReplaySetup();
        Directory.CreateDirectory(setup.Cassettes);
        await File.WriteAllTextAsync(Path.Combine(setup.Cassettes, "0001-get-x.json"), """{ "request": { "method": "GET", "url": "http://x/" }, "response": { "status": "200" } }""");

        var output = await ReplaySetup.RunAsync(setup.Config("replay"), """
            net.http:get("http://x/", function(r) print(r.ok, r.error) script.unload() end)
            """);

        Assert.Equal(
            $"false\tcannot replay from {setup.Cassettes}: 0001-get-x.json: 'response.status' must be a number, not string; fix or delete that recording",
            Assert.Single(output.Prints));
    }

    [Fact]
    public async Task Record_NoInnerTransport_OkFalseWithClearError()
    {
        var setup = new ReplaySetup();

        var output = await ReplaySetup.RunAsync(setup.Config("record", withHttp: false), """
            net.http:get("http://127.0.0.1:9/", function(r) print(r.status, r.ok, r.error) script.unload() end)
            """);

        Assert.Equal(
            "0\tfalse\tmode=record forwards requests to the real http transport, but no other plugin serves http; enable the Http plugin in plugins.json",
            Assert.Single(output.Prints));
        Assert.Empty(setup.ExchangeFiles());
    }

    [Theory]
    [InlineData("mode", "playback", "setting 'mode' must be \"replay\" or \"record\", not \"playback\"")]
    [InlineData("cassette", "tapes", "unknown setting 'cassette' (known: mode, cassettes)")]
    [InlineData("cassettes", "", "setting 'cassettes' must name a folder (relative to plugins.json), not an empty string")]
    public async Task Configure_InvalidSetting_PluginNotLoadedWithClearLog(string key, string value, string problem)
    {
        var setup = new ReplaySetup();
        var config = setup.Config("replay", settings: new() { [key] = value });
        var output = new RecordingOutput();

        // http is asked of Replay; it is not loaded, so the configuration is refused rather than let the
        // real Http plugin send the script's requests live.
        var refused = await Assert.ThrowsAsync<PluginConfigException>(() => EngineRunner.StartAsync(
            [LuaScripts.Write("""net.http:get("http://127.0.0.1:1/", function(r) print(r.error) script.unload() end)""")],
            options: o => o with { Output = output },
            pluginsJson: config));

        var log = Assert.Single(output.Logs, l => l.Level == LogLevel.Error);
        Assert.StartsWith($"plugin 'Replay' not loaded ({ReplaySetup.PluginPath("Replay")}): ArgumentException: ", log.Message, StringComparison.Ordinal);
        Assert.EndsWith(problem, log.Message, StringComparison.Ordinal);
        Assert.Contains("transports.http: plugin \"Replay\" did not load", refused.Message, StringComparison.Ordinal);
        Assert.Empty(output.Prints);
    }

    [Fact]
    public void PluginsJson_RepositoryDefault_ListsReplayDisabledWithValidSettingsAndHttpServingHttp()
    {
        var config = PluginConfig.Load(RepoPaths.PluginsJson);

        var entry = Assert.Single(config.Plugins, p => p.Name == "Replay");
        Assert.False(entry.Enabled);
        Assert.Equal("Http", config.Transports[TransportKind.Http]);
        Assert.Equal(ReplaySetup.PluginPath("Replay"), entry.AssemblyPath);
        // Its settings are valid: the entry loads once enabled.
        var plugins = new PluginManager(new RecordingOutput());
        var loaded = plugins.Load(entry with { Enabled = true });
        Assert.NotNull(loaded?.Http);
    }

    [Fact]
    public async Task Unload_AfterRecordingAndReplaying_LoadContextsAreCollected()
    {
        var setup = new ReplaySetup();
        const string Lua = """net.http:get("http://127.0.0.1:1/", function(r) print(r.ok, r.error) script.unload() end)""";

        var (recorded, recorder) = await RunCapturingContextAsync(setup.Config("record"), Lua);
        var (replayed, player) = await RunCapturingContextAsync(setup.Config("replay"), Lua);

        // Both did their work (a JSON file written, then read back) before they were unloaded.
        Assert.Equal(["false\tconnection refused by 127.0.0.1:1; is the server running, and is the port right?"], recorded.Prints);
        Assert.Equal(recorded.Prints, replayed.Prints);
        Assert.True(await LoadContexts.CollectedAsync(recorder), "the load context of the Replay plugin in record mode was not collected after the engine unloaded it");
        Assert.True(await LoadContexts.CollectedAsync(player), "the load context of the Replay plugin in replay mode was not collected after the engine unloaded it");
    }

    private static async Task<(RecordingOutput Output, WeakReference Context)> RunCapturingContextAsync(string config, string lua)
    {
        WeakReference? context = null;
        var runner = await EngineRunner.StartAsync([LuaScripts.Write(lua)], pluginsJson: config, configure: engine => context = ContextOf(engine));
        await using (runner)
        {
            Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());
        }

        return (runner.Output, context!);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ContextOf(PluginNetEngine engine)
    {
        var transport = engine.Transports.Http!.Transport;
        Assert.Equal("Replay", engine.Transports.Http.PluginName);
        return new WeakReference(AssemblyLoadContext.GetLoadContext(transport.GetType().Assembly));
    }
}
