using System.Text.Json.Nodes;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Replay.Tests;

/// <summary>
/// A private folder with plugins.json files that load the real Http and Replay plugins from
/// artifacts/plugins, a cassette folder beside them, and a way to run a Lua script to the end.
/// </summary>
internal sealed class ReplaySetup
{
    /// <summary>The folder holding the plugins.json files; the cassettes setting is relative to it.</summary>
    public string Root { get; } = LuaScripts.NewFolder();

    /// <summary>Where the default <c>"cassettes": "cassettes"</c> setting points.</summary>
    public string Cassettes => Path.Combine(Root, "cassettes");

    /// <summary>The exchange files recorded so far, in recording order.</summary>
    public string[] ExchangeFiles() =>
        Directory.Exists(Cassettes) ? [.. Directory.GetFiles(Cassettes, "*.json").Order(StringComparer.Ordinal)] : [];

    public static string PluginPath(string name) =>
        Path.Combine(RepoPaths.Root, "artifacts", "plugins", name, $"PluginNet.Plugins.{name}.dll");

    /// <summary>Writes a plugins.json with the Replay plugin serving http and returns its path.</summary>
    /// <param name="mode">The Replay plugin's <c>mode</c> setting.</param>
    /// <param name="withHttp">Also load the real Http plugin (the recorder's inner transport).</param>
    /// <param name="settings">The Replay entry's whole settings object, instead of <c>mode</c> and <c>cassettes</c>.</param>
    public string Config(string mode, bool withHttp = true, Dictionary<string, string>? settings = null)
    {
        var replaySettings = new JsonObject { ["mode"] = mode, ["cassettes"] = "cassettes" };
        if (settings is not null)
        {
            replaySettings = [];
            foreach (var (key, value) in settings)
            {
                replaySettings[key] = value;
            }
        }

        var plugins = new JsonArray();
        if (withHttp)
        {
            plugins.Add(new JsonObject { ["name"] = "Http", ["path"] = PluginPath("Http") });
        }

        plugins.Add(new JsonObject { ["name"] = "Replay", ["path"] = PluginPath("Replay"), ["settings"] = replaySettings });
        var config = new JsonObject { ["plugins"] = plugins, ["transports"] = new JsonObject { ["http"] = "Replay" } };
        var path = Path.Combine(Root, $"{mode}-{Guid.NewGuid():N}.plugins.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    /// <summary>Runs <paramref name="lua"/> with <paramref name="config"/> until it unloads itself (bounded).</summary>
    public static async Task<RecordingOutput> RunAsync(string config, string lua, string? downloads = null)
    {
        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write(lua)],
            pluginsJson: config,
            options: o => downloads is null ? o : o with { DownloadDirectory = downloads });
        await using (runner)
        {
            var result = await runner.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(result == EngineRunResult.AllScriptsUnloaded, runner.Output.Transcript);
            return runner.Output;
        }
    }

    /// <summary>
    /// Lua: <c>in_order(steps, report)</c> runs each step (a function taking the callback) only after
    /// the previous one's callback, reports each response, then unloads the script.
    /// </summary>
    public const string InOrder = """
        local function in_order(steps, report)
          local i = 0
          local function go()
            i = i + 1
            if i > #steps then script.unload() return end
            local n = i
            steps[n](function(r) report(n, r) go() end)
          end
          go()
        end

        """;
}
