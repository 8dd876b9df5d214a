using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>The control console of a real <c>pluginnet run</c>: parsing, usage lines, plugin and script commands.</summary>
public class ConsoleTests
{
    // Keeps the run going and shows it is alive: "alive" every 20 frames.
    private const string KeepAlive = """
        print("ready")
        event.on("frame_update", function(e) if e.frame % 20 == 0 then print("alive") end end)
        """;

    [Fact]
    public async Task Console_PathWithSpaces_LoadedQuotedOrUnquoted()
    {
        var folder = Directory.CreateDirectory(Path.Combine(LuaScripts.NewFolder(), "my mods")).FullName;
        var hud = Path.Combine(folder, "hud v2.lua");
        await File.WriteAllTextAsync(hud, """print("hud loaded")""");
        await using var host = await StartAsync();

        await AskAsync(host, $"load \"{hud}\"", $"# loaded {hud}");
        await AskAsync(host, $"unload '{hud}'", $"# unloaded {hud}");
        await AskAsync(host, $"load {hud}", $"# loaded {hud}");
        await AskAsync(host, $"reload {hud}", $"# reloaded {hud}");

        Assert.Equal(3, host.Stdout.Count(l => l == "hud loaded"));
        await host.SendAsync("quit");
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Theory]
    [InlineData("load", "# usage: load FILE")]
    [InlineData("unload", "# usage: unload FILE")]
    [InlineData("reload", "# usage: reload FILE")]
    [InlineData("load \"a.lua\" \"b.lua\"", "# usage: load FILE")]
    [InlineData("plugin", "# usage: plugin load NAME | plugin unload NAME | plugin reload NAME")]
    [InlineData("plugin load", "# usage: plugin load NAME")]
    [InlineData("plugin unload", "# usage: plugin unload NAME")]
    [InlineData("plugin reload", "# usage: plugin reload NAME")]
    [InlineData("use http", "# usage: use TRANSPORT PLUGIN")]
    [InlineData("scripts now", "# usage: scripts (it takes no arguments)")]
    [InlineData("load \"unclosed.lua", "# a \" quote is not closed")]
    public async Task Console_MissingOrExtraArguments_UsageLineForThatCommand(string line, string reply)
    {
        await using var host = await StartAsync();

        var answer = await AskAsync(host, line, l => l.StartsWith("# ", StringComparison.Ordinal));

        Assert.StartsWith(reply, answer);
        await host.SendAsync("quit");
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Console_PluginLoadWhileLoadedAndSecondUnload_SaySo()
    {
        await using var host = await StartAsync();

        await AskAsync(host, "plugin load Http", "# plugin Http is already loaded (plugin reload Http loads its files again)");
        await AskAsync(host, "plugin unload WsClient", "# unloaded plugin WsClient");
        await AskAsync(host, "plugin unload WsClient", "# plugin WsClient is not loaded");
        await AskAsync(host, "plugin load WsClient", "# loaded plugin WsClient (ws)");

        await host.SendAsync("quit");
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Console_ReloadOfAScriptThatNoLongerCompiles_ReportedAndTheRunningVersionGoesOn()
    {
        var script = LuaScripts.Write(KeepAlive);
        await using var host = PluginNetProcess.Start([script, "--timeout", "60"], console: true);
        await host.WaitForLineAsync(l => l == "ready");

        await File.WriteAllTextAsync(script, "print(\"version 2\"");
        await AskAsync(host, $"reload {script}", $"# could not reload {script} (see the log); the running version stays loaded");
        var (_, tick) = await host.WaitForLineFromAsync(host.Stdout.Count, l => l == "alive");
        await AskAsync(host, "scripts", $"# {script}");

        Assert.Contains(host.Stderr, l => l.Contains("not reloaded: syntax error", StringComparison.Ordinal) && l.Contains("the running version stays loaded", StringComparison.Ordinal));
        Assert.False(host.Process.HasExited);
        Assert.True(tick > 0);
        await host.SendAsync("quit");
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    private static async Task<PluginNetProcess> StartAsync()
    {
        var host = PluginNetProcess.Start([LuaScripts.Write(KeepAlive), "--timeout", "60"], console: true);
        await host.WaitForLineAsync(l => l == "ready");
        return host;
    }

    private static Task<string> AskAsync(PluginNetProcess host, string line, string reply) =>
        AskAsync(host, line, l => l == reply);

    private static async Task<string> AskAsync(PluginNetProcess host, string line, Func<string, bool> match)
    {
        var from = host.Stdout.Count;
        await host.SendAsync(line);
        return (await host.WaitForLineFromAsync(from, match)).Line;
    }
}
