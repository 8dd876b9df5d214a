using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

public class ScriptLifecycleTests
{
    [Fact]
    public async Task Unload_ResponseArrivesAfterwards_CallbackNeverRuns()
    {
        var requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/late", async context =>
        {
            requestArrived.SetResult();
            await release.Task;
            await context.Response.WriteAsync("too late");
            answered.TrySetResult();
        }));
        var pending = LuaScripts.Write($$"""
            net.http:get("{{server.Url("/late")}}", function(r) print("CALLBACK RAN") end)
            event.on("script_unloaded", function(e) if e.script_path == _SCRIPT_PATH then print("unloading") end end)
            """);
        var keeper = LuaScripts.Write("""event.on("frame_update", function() end)""");
        await using var runner = await EngineRunner.StartAsync([pending, keeper]);
        await requestArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await runner.InvokeAsync(e => e.UnloadScript(pending));
        release.SetResult();
        await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Let several frames pass: any callback queued for the unloaded script would have run by now.
        var frame = 0L;
        await runner.InvokeAsync(e => frame = e.FrameCount);
        await WaitForFrameAsync(runner, frame + 10);

        Assert.Equal(["unloading"], runner.Output.Prints);
    }

    [Fact]
    public async Task Unload_ScriptUnloaded_ReachesEveryScriptWithThePath()
    {
        var a = LuaScripts.Write("""
            event.on("script_unloaded", function(e) print("a heard " .. e.script_path) end)
            event.on("frame_update", function(e) if e.frame == 2 then script.unload() end end)
            """, $"a-{Guid.NewGuid():N}.lua");
        var b = LuaScripts.Write("""
            event.on("script_unloaded", function(e) print("b heard " .. e.script_path) end)
            event.on("frame_update", function(e) if e.frame == 4 then script.unload() end end)
            """, $"b-{Guid.NewGuid():N}.lua");

        var runner = await EngineRunner.StartAsync([a, b]);
        var result = await runner.WaitForExitAsync();

        Assert.Equal(EngineRunResult.AllScriptsUnloaded, result);
        Assert.Equal([$"a heard {a}", $"b heard {a}", $"b heard {b}"], runner.Output.Prints);
    }

    [Fact]
    public async Task Callback_ThrowsError_IsLoggedWithLineAndTracebackAndOthersGoOn()
    {
        var faulty = LuaScripts.Write("""
            event.on("frame_update", function(e)
              if e.frame == 1 then
                local t = nil
                print(t.field)
              end
            end)
            """, "faulty.lua");
        var healthy = LuaScripts.Write("""event.on("frame_update", function(e) if e.frame == 3 then print("still running") script.unload() end end)""");

        await using var runner = await EngineRunner.StartAsync([faulty, healthy]);
        await runner.Output.WaitForPrintAsync(p => p == "still running", TimeSpan.FromSeconds(10));

        var error = Assert.Single(runner.Output.Logs, l => l.Level == LogLevel.Error && l.Script is not null);
        Assert.Equal("faulty.lua", error.Script);
        Assert.Contains($"{faulty}:4: attempt to index a nil value (local 't')", error.Message);
        Assert.Contains("stack traceback:", error.Message);
    }

    [Fact]
    public async Task LoadScript_SyntaxError_ReportedAndHostKeepsOtherScripts()
    {
        var broken = LuaScripts.Write("this is not lua", "broken.lua");
        var fine = LuaScripts.Write("""event.on("frame_update", function() print("fine") script.unload() end)""");

        var runner = await EngineRunner.StartAsync([broken, fine]);
        await runner.WaitForExitAsync();

        Assert.Contains(runner.Output.Logs, l => l.Script == "broken.lua" && l.Message.Contains("syntax error"));
        Assert.Equal(["fine"], runner.Output.Prints);
    }

    [Fact]
    public async Task Sandbox_NetBridgeAndProcessAccess_AreNotReachable()
    {
        var runner = await EngineRunner.StartAsync([LuaScripts.Write("""
            print(import, luanet, debug, os.execute, os.exit, io.popen, package.loadlib, string.dump)
            print(pcall(load, "return 1", "x", "b"))
            print(load("return 1 + 1")())
            script.unload()
            """)]);
        await runner.WaitForExitAsync();

        Assert.Equal("nil\tnil\tnil\tnil\tnil\tnil\tnil\tnil", runner.Output.Prints[0]);
        Assert.StartsWith("false\t", runner.Output.Prints[1]);
        Assert.Equal("2", runner.Output.Prints[2]);
    }

    [Fact]
    public async Task Json_RoundTrip_KeepsTypesAndUtf8()
    {
        var runner = await EngineRunner.StartAsync([LuaScripts.Write("""
            local s = json.encode({ hp = 100, vel = 1.5, name = "é漢", list = { 1, 2, 3 }, ok = true })
            local t = json.decode(s)
            print(t.hp, math.type(t.hp), t.vel, t.name, #t.list, t.ok)
            print(pcall(json.decode, "{bad"))
            print(pcall(json.encode, { f = print }))
            script.unload()
            """)]);
        await runner.WaitForExitAsync();

        Assert.Equal("100\tinteger\t1.5\té漢\t3\ttrue", runner.Output.Prints[0]);
        Assert.StartsWith("false\t", runner.Output.Prints[1]);
        Assert.Contains("json.decode: invalid JSON", runner.Output.Prints[1]);
        Assert.Contains("json.encode: cannot encode a function", runner.Output.Prints[2]);
    }

    [Fact]
    public async Task JsonDecode_ByteOrderMark_Skipped()
    {
        var runner = await EngineRunner.StartAsync([LuaScripts.Write("""
            print(json.decode('\239\187\191{"a": 1}').a)
            print(select(2, pcall(json.decode, '\239\187\191{"a" 1}')))
            script.unload()
            """)]);
        await runner.WaitForExitAsync();

        Assert.Equal("1", runner.Output.Prints[0]);
        Assert.EndsWith("json.decode: invalid JSON at line 1, byte 9", runner.Output.Prints[1]); // counted from the file's first byte
    }

    [Fact]
    public async Task JsonEncode_ObjectKeys_WrittenInSortedOrderOnEveryRun()
    {
        // Lua's table order differs from one state to the next; the encoded text must not.
        const string Lua = """
            print(json.encode({ username = "u", content = "c", embeds = { { title = "t", color = 1 } }, [2] = "two", ["10"] = 10, tts = false }))
            script.unload()
            """;
        var texts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var runner = await EngineRunner.StartAsync([LuaScripts.Write(Lua)]);
            await runner.WaitForExitAsync();
            texts.Add(Assert.Single(runner.Output.Prints));
        }

        Assert.All(texts, t => Assert.Equal("""{"10":10,"2":"two","content":"c","embeds":[{"color":1,"title":"t"}],"tts":false,"username":"u"}""", t));
    }

    private static async Task WaitForFrameAsync(EngineRunner runner, long frame)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(PluginNetEngine engine)
        {
            if (engine.FrameCount >= frame)
            {
                reached.TrySetResult();
            }
            else
            {
                engine.Dispatcher.Post(null, () => Check(engine));
            }
        }

        await runner.InvokeAsync(Check);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
