using System.ComponentModel;
using System.Diagnostics;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Toolkit.Tests;

/// <summary>
/// The lint: luacheck (Debian package lua-check) with the repository's .luacheckrc finds nothing in
/// examples/ and types/, catches the usual mistakes, and its list of globals is what a script really has.
/// </summary>
public class LuacheckTests
{
    [Fact]
    public async Task Lint_ExamplesAndTypes_ZeroWarnings()
    {
        var (exitCode, output) = await LuacheckAsync(RepoPaths.Root, "examples", "types");

        Assert.True(exitCode == 0 && output.Contains("Total: 0 warnings / 0 errors", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Lint_CommonMistakes_EachReported()
    {
        var folder = LuaScripts.NewFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "mistakes.lua"), """
            net.http:gett("https://example.com", function() end)
            os.execute("echo hi")
            json.endcode({})
            debug.traceback()
            net = nil
            local unused = 1
            event.on("frame_update", function(e) print(e.dt) end)

            """);

        var (exitCode, output) = await LuacheckAsync(folder, "--config", Path.Combine(RepoPaths.Root, ".luacheckrc"), "mistakes.lua");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("mistakes.lua:1:1: (W143) accessing undefined field 'http.gett' of global 'net'", output);
        Assert.Contains("mistakes.lua:2:1: (W143) accessing undefined field 'execute' of global 'os'", output);
        Assert.Contains("mistakes.lua:3:1: (W143) accessing undefined field 'endcode' of global 'json'", output);
        Assert.Contains("mistakes.lua:4:1: (W113) accessing undefined variable 'debug'", output);
        Assert.Contains("mistakes.lua:5:1: (W121) setting read-only global variable 'net'", output);
        Assert.Contains("mistakes.lua:6:7: (W211) unused variable 'unused'", output);
        Assert.DoesNotContain("mistakes.lua:7:", output);
    }

    [Fact]
    public async Task LuacheckStd_ComparedWithARealScriptsGlobals_SameNames()
    {
        // The .luacheckrc is Lua: a script loads it with the real sandbox and compares both lists there.
        // Its text is handed in (the sandbox keeps io and loadfile to the script's own folders).
        var rc = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, ".luacheckrc"));
        Assert.DoesNotContain("]==]", rc, StringComparison.Ordinal);
        var runner = await EngineRunner.StartAsync([LuaScripts.Write($$"""
            local config = { stds = {}, files = {}, ipairs = ipairs }
            assert(load([==[{{rc}}]==], "=.luacheckrc", "t", config))()

            -- Names down to the fields of each global table, and one level further under net.
            local function luacheck_names(defs, prefix, depth)
              for name, def in pairs(defs) do
                local full = prefix .. name
                print("luacheck " .. full)
                local go_on = depth == 1 or (depth == 2 and prefix == "net.")
                if def.fields and not def.other_fields and go_on then luacheck_names(def.fields, full .. ".", depth + 1) end
              end
            end
            local function runtime_names(t, prefix, depth)
              for name, value in pairs(t) do
                local full = prefix .. name
                print("runtime " .. full)
                local go_on = (depth == 1 and name ~= "_G") or (depth == 2 and prefix == "net.")
                local plain = full ~= "package.loaded" and full ~= "package.preload" and full ~= "package.searchers"
                if type(value) == "table" and go_on and plain then runtime_names(value, full .. ".", depth + 1) end
              end
            end
            luacheck_names(config.stds.pluginnet.read_globals, "", 1)
            runtime_names(_G, "", 1)
            script.unload()
            """)]);
        await using (runner)
        {
            Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());
        }

        var luacheck = Names(runner.Output.Prints, "luacheck ");
        var runtime = Names(runner.Output.Prints, "runtime ");
        Assert.True(luacheck.Count > 100, runner.Output.Transcript);
        Assert.True(
            luacheck.SetEquals(runtime),
            $"in .luacheckrc but not in a script: {string.Join(", ", luacheck.Except(runtime))}\n"
            + $"in a script but not in .luacheckrc: {string.Join(", ", runtime.Except(luacheck))}");
    }

    private static HashSet<string> Names(IEnumerable<string> prints, string prefix) =>
        [.. prints.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p[prefix.Length..])];

    /// <summary>Runs luacheck; fails the test with what to install when it is missing.</summary>
    private static async Task<(int ExitCode, string Output)> LuacheckAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("luacheck")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--no-color", "--codes", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"luacheck is not installed ({ex.Message}); the Lua lint needs it: run ./test.sh from the repository root, which installs it (Debian package lua-check)");
            throw;
        }

        using (process)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
