using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>An application embeds the engine: its own loop drives the menu thread and it adds its own modules.</summary>
public class EmbeddingTests
{
    [Fact]
    public async Task Tick_ApplicationLoopWithGameModule_CallbacksRunOnTheApplicationThread()
    {
        var output = new RecordingOutput();
        var guiCalls = new List<(string Key, string Value, int Thread)>();
        var script = LuaScripts.Write("""
            event.on("frame_update", function(e)
              if e.frame == 2 then
                gui.set("hp", tostring(game.localplayer.health))
                net.http:get("http://127.0.0.1:1/", function(r)
                  gui.set("http", tostring(r.ok))
                  script.unload()
                end)
              end
            end)
            """);

        // The application's own game loop, on its own thread.
        var loopThread = 0;
        var done = Task.Factory.StartNew(() =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            var engine = new PluginNetEngine(new EngineOptions { Output = output });
            engine.LoadPlugins(Plugins.PluginConfig.Load(RepoPaths.PluginsJson));
            engine.AddModule(new GameModule(guiCalls));
            Assert.True(engine.LoadScript(script));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (engine.LoadedScripts.Count > 0 && DateTime.UtcNow < deadline)
            {
                engine.Tick(); // one call per frame
                Thread.Sleep(5);
            }

            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }, TaskCreationOptions.LongRunning);
        await done.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([("hp", "87", loopThread), ("http", "false", loopThread)], guiCalls);
    }

    private sealed class GameModule(List<(string, string, int)> calls) : ILuaModule
    {
        public void Install(LuaModuleContext script)
        {
            script.Lua.DoString("game = { localplayer = { health = 87 } }");
            script.RegisterFunction("gui.set", (string key, string value) => calls.Add((key, value, Environment.CurrentManagedThreadId)));
        }
    }
}
