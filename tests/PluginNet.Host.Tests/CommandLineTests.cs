using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>The real <c>pluginnet run</c> process: exit codes, output streams, signals.</summary>
public class CommandLineTests
{
    [Fact]
    public async Task Run_ScriptUnloadsItself_ExitsZeroWithPrintOnStdoutAndLogOnStderr()
    {
        var script = LuaScripts.Write("""
            print("to stdout")
            log.warn("to stderr")
            event.on("frame_update", function(e) if e.frame == 3 then script.unload() end end)
            """);

        var (code, stdout, stderr) = await RunAsync(["run", script]);

        Assert.Equal(0, code);
        Assert.Equal("to stdout", stdout.Trim());
        Assert.Contains("[warn] ", stderr);
        Assert.Contains("to stderr", stderr);
    }

    [Fact]
    public async Task Run_LogInfoAndLogError_EachOnStderrWithItsLevelAndTheScript()
    {
        var script = LuaScripts.Write("""
            log.info("all is well", 42)
            log.error("something broke")
            script.unload()
            """, "logging.lua");

        var (code, stdout, stderr) = await RunAsync(["run", script]);

        Assert.Equal(0, code);
        Assert.Equal("", stdout.Trim());
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var info = Assert.Single(lines, l => l.Contains("all is well", StringComparison.Ordinal));
        var error = Assert.Single(lines, l => l.Contains("something broke", StringComparison.Ordinal));
        Assert.StartsWith("[info] ", info);
        Assert.Contains("logging.lua", info);
        Assert.Contains("42", info);
        Assert.StartsWith("[error] ", error);
        Assert.Contains("logging.lua", error);
        Assert.True(Array.IndexOf(lines, info) < Array.IndexOf(lines, error), stderr);
    }

    [Fact]
    public async Task Run_TimeoutRunsOut_UnloadsAndExits124()
    {
        var script = LuaScripts.Write("""event.on("script_unloaded", function() print("unloaded on timeout") end)""");

        var (code, stdout, _) = await RunAsync(["run", script, "--timeout", "0.5"]);

        Assert.Equal(124, code);
        Assert.Equal("unloaded on timeout", stdout.Trim());
    }

    [Fact]
    public async Task Run_Sigint_UnloadsGracefullyAndExits130()
    {
        var script = LuaScripts.Write("""
            print("ready")
            event.on("script_unloaded", function() print("unloaded on signal") end)
            """);
        await using var process = Start(["run", script, "--timeout", "60"]);
        await process.WaitForLineAsync(l => l == "ready");

        await process.SignalAsync("INT");

        Assert.Equal(130, await process.WaitForExitAsync());
        Assert.Equal(["ready", "unloaded on signal"], process.Stdout);
    }

    [Fact]
    public async Task Console_Commands_ListUnloadAndQuit()
    {
        var script = LuaScripts.Write("""
            print("ready")
            event.on("script_unloaded", function(e) print("heard unload") end)
            """, $"console-{Guid.NewGuid():N}.lua");
        await using var process = Start(["run", script, "--timeout", "60"]);
        await process.WaitForLineAsync(l => l == "ready");

        foreach (var command in new[] { "scripts", "plugins", "status", "bogus", $"unload {script}" })
        {
            await process.SendAsync(command);
        }

        process.CloseInput(); // end of input is not an error
        var code = await process.WaitForExitAsync();
        var rest = string.Join('\n', process.Stdout);

        Assert.Contains($"# {script}", rest);
        Assert.Contains("# net.http -> Http", rest);
        Assert.Contains($"# {script}: no open resources", rest);
        Assert.Contains("# unknown command 'bogus'; type help", rest);
        Assert.Contains("heard unload", rest);
        Assert.Equal(0, code); // the last script unloaded: the run is over
    }

    [Fact]
    public async Task Watch_ScriptFileChanges_ReloadedWithScriptUnloadedFirst()
    {
        var script = LuaScripts.Write("""
            print("version 1")
            event.on("script_unloaded", function() print("unloading version 1") end)
            """, $"watched-{Guid.NewGuid():N}.lua");
        await using var process = Start(["run", script, "--watch", "--timeout", "60"]);
        await process.WaitForLineAsync(l => l == "version 1");

        await File.WriteAllTextAsync(script, "print(\"version 2\") script.unload()");
        await process.WaitForLineAsync(l => l == "version 2");
        await process.SignalAsync("TERM");

        Assert.Equal(143, await process.WaitForExitAsync()); // --watch keeps running with no script until stopped
        Assert.Equal(["version 1", "unloading version 1", "version 2"], process.Stdout);
    }

    [Fact]
    public async Task Watch_PluginFolderChanges_PluginReloadedAndStillServes()
    {
        // A private copy of the Http plugin, so touching its folder disturbs nothing else.
        var folder = LuaScripts.NewFolder();
        var pluginFolder = Directory.CreateDirectory(Path.Combine(folder, "Http")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "artifacts", "plugins", "Http")))
        {
            File.Copy(file, Path.Combine(pluginFolder, Path.GetFileName(file)));
        }

        var config = Path.Combine(folder, "plugins.json");
        await File.WriteAllTextAsync(config, """{ "plugins": [ { "name": "Http", "path": "Http/PluginNet.Plugins.Http.dll" } ] }""");
        var script = LuaScripts.Write("""
            print("ready")
            event.on("frame_update", function(e)
              if e.frame % 30 == 0 then
                local ok, err = pcall(net.http.get, net.http, "http://127.0.0.1:1/", function(r) print("answer", r.error) end)
              end
            end)
            """);
        await using var process = Start(["run", script, "--watch", "--timeout", "60", "--plugins", config], defaultPlugins: false);
        await process.WaitForLineAsync(l => l == "ready");

        await File.WriteAllTextAsync(Path.Combine(pluginFolder, "touched.txt"), "a new build landed");
        await process.WaitForLogFromAsync(0, l => l.Contains("--watch: plugin Http changed; reloading", StringComparison.Ordinal));

        // The reload finishes asynchronously: ask until the console says Http serves net.http again,
        // then one more request must be answered by the reloaded plugin.
        var from = process.Stdout.Count;
        await process.SendAsync("plugins");
        var answersAfterReload = 0;
        var listed = false;
        while (answersAfterReload == 0)
        {
            var (line, index) = await process.WaitForLineFromAsync(from, _ => true);
            from = index + 1;
            if (line == "# net.http -> (none)")
            {
                await process.SendAsync("plugins");
            }

            listed |= line == "# net.http -> Http";
            answersAfterReload += listed && line.StartsWith("answer", StringComparison.Ordinal) ? 1 : 0;
        }

        await process.SendAsync("quit");
        await process.WaitForExitAsync();
        Assert.True(listed, "the Http plugin was not serving net.http after the reload");
        Assert.Equal(1, answersAfterReload);
    }

    [Theory]
    [InlineData("run", 2)]
    [InlineData("run x.lua --fps -3", 2)]
    [InlineData("run /no/such/script.lua --timeout 5", 1)]
    public async Task Run_BadInvocation_ExitsNonZero(string arguments, int expected)
    {
        var (code, _, stderr) = await RunAsync(arguments.Split(' '));

        Assert.Equal(expected, code);
        Assert.NotEmpty(stderr.Trim());
    }

    [Theory]
    [InlineData("--timeout abc", "--timeout 'abc' is not a number")]
    [InlineData("--timeout=abc", "--timeout 'abc' is not a number")]
    [InlineData("--fps 5x", "--fps '5x' is not a number")]
    [InlineData("--timeout", "--timeout needs a value")]
    [InlineData("--timeout NaN", "--timeout 'NaN' is not a number")]
    [InlineData("--timeout 1e400", "--timeout '1e400' is not a number")]
    [InlineData("--timeout Infinity", "--timeout 'Infinity' is not a number")]
    [InlineData("--fps NaN", "--fps 'NaN' is not a number")]
    [InlineData("--timeout 1,5", "--timeout '1,5' is not a number")]
    [InlineData("--timeout 0", "--timeout 0 is out of range: give a number of seconds above 0")]
    [InlineData("--fps 0", "--fps 0 is out of range: give frames per second above 0 and at most 1000")]
    [InlineData("--fps 1001", "--fps 1001 is out of range: give frames per second above 0 and at most 1000")]
    [InlineData("--bogus", "unknown option '--bogus'")]
    public async Task Run_BadOptionValue_ExitsTwoWithOneClearLine(string options, string expected)
    {
        var script = LuaScripts.Write("print('should not run') script.unload()");

        var (code, stdout, stderr) = await RunAsync(["run", script, .. options.Split(' ')]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task Help_RunAndRoot_ListEveryOption()
    {
        var (runCode, runHelp, _) = await RunAsync(["run", "--help"]);
        var (rootCode, rootHelp, _) = await RunAsync(["--help"]);

        Assert.Equal(0, runCode);
        Assert.Equal(0, rootCode);
        foreach (var option in new[] { "--timeout SECONDS", "--fps N", "--download-dir DIR", "--plugins FILE", "--watch", "--no-console" })
        {
            Assert.Contains(option, runHelp);
            Assert.Contains(option, rootHelp);
        }
    }

    [Fact]
    public async Task Run_LimitsCallbackTimeLimitInPluginsJson_AbortsAfterThatTime()
    {
        var config = WriteConfig("""{ "engine": { "callback_time_limit_ms": 60 } }""");
        var script = LuaScripts.Write("while true do end\n");

        var (code, _, stderr) = await RunAsync(["run", script, "--no-console", "--plugins", config], defaultPlugins: false);

        Assert.Equal(1, code);
        Assert.Contains(":1: callback aborted: still running after 60 ms", stderr);
    }

    [Fact]
    public async Task Run_LimitsMaxConcurrentPerScriptInPluginsJson_AtMostThatManyOnTheWire()
    {
        var concurrent = 0;
        var peak = 0;
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/n", async context =>
        {
            var now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref peak, now);
            if (now >= 3)
            {
                third.TrySetResult();
            }

            // Hold the request until a third one is on the wire at once, or 200 ms: with a limit of 2 that never happens.
            await Task.WhenAny(third.Task, Task.Delay(TimeSpan.FromMilliseconds(200)));
            Interlocked.Decrement(ref concurrent);
            await context.Response.WriteAsync("ok");
        }));
        var config = WriteConfig("""{ "http": { "max_concurrent_per_script": 2 } }""");
        var script = LuaScripts.Write($$"""
            local done = 0
            for i = 1, 6 do
              net.http:get("{{server.Url("/n")}}", function(r)
                done = done + 1
                if done == 6 then print("all done") script.unload() end
              end)
            end
            """);

        var (code, stdout, stderr) = await RunAsync(["run", script, "--no-console", "--timeout", "30", "--plugins", config], defaultPlugins: false);

        Assert.True(code == 0, stderr);
        Assert.Equal("all done", stdout.Trim());
        Assert.Equal(2, Volatile.Read(ref peak));
    }

    [Fact]
    public async Task Run_LimitOutOfRangeInPluginsJson_Exits2NamingFileFieldAndRange()
    {
        var config = WriteConfig("""{ "http": { "max_concurrent_per_script": 5000 } }""");
        var script = LuaScripts.Write("print('never')");

        var (code, stdout, stderr) = await RunAsync(["run", script, "--no-console", "--plugins", config], defaultPlugins: false);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains($"{config}: limits.http.max_concurrent_per_script: 5000 is out of range: must be a whole number from 1 to 1024", stderr);
    }

    // A plugins.json in a fresh folder with the built Http plugin and the given limits section.
    private static string WriteConfig(string limits)
    {
        var http = Path.Combine(RepoPaths.Root, "artifacts", "plugins", "Http", "PluginNet.Plugins.Http.dll");
        var path = Path.Combine(LuaScripts.NewFolder(), "plugins.json");
        File.WriteAllText(path, $$"""{ "plugins": [ { "name": "Http", "path": "{{http}}" } ], "limits": {{limits}} }""");
        return path;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] arguments, bool defaultPlugins = true)
    {
        var result = await PluginNetProcess.RunCommandAsync(WithPlugins(arguments, defaultPlugins), LuaScripts.NewFolder());
        return (result.ExitCode, result.StdoutText, result.StderrText);
    }

    // Started in a fresh folder (no plugins.json to find there): the repository's plugins.json is named unless told.
    private static PluginNetProcess Start(string[] arguments, bool defaultPlugins = true) =>
        PluginNetProcess.StartCommand(WithPlugins(arguments, defaultPlugins), LuaScripts.NewFolder());

    private static string[] WithPlugins(string[] arguments, bool defaultPlugins) =>
        defaultPlugins ? [.. arguments, "--plugins", RepoPaths.PluginsJson] : arguments;
}
