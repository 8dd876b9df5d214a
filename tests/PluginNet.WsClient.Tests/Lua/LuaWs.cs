using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.WsClient.Tests.Lua;

/// <summary>Runs Lua scripts in the real engine with the real plugins from the plugin folder.</summary>
internal static class LuaWs
{
    /// <summary>Runs <paramref name="lua"/> until it unloads itself; fails with the transcript otherwise.</summary>
    public static async Task<RecordingOutput> RunToEndAsync(string lua, TimeSpan? timeout = null)
    {
        await using var runner = await EngineRunner.StartAsync([LuaScripts.Write(lua)]);
        var result = await runner.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(30));
        Assert.True(result == EngineRunResult.AllScriptsUnloaded, runner.Output.Transcript);
        return runner.Output;
    }

    /// <summary>Errors and warnings the engine logged (a failing callback shows up here).</summary>
    public static IEnumerable<string> Problems(RecordingOutput output) =>
        output.Logs.Where(l => l.Level != LogLevel.Info && !l.Message.Contains("plugin 'WsServer' not loaded", StringComparison.Ordinal))
            .Select(l => $"{l.Level}: {l.Message}");

    /// <summary>Sets global string variables in every script (how a test hands an example its server URL).</summary>
    public sealed class Globals(params (string Name, string Value)[] values) : ILuaModule
    {
        public void Install(LuaModuleContext script)
        {
            foreach (var (name, value) in values)
            {
                script.Lua[name] = value;
            }
        }
    }
}
