using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// Plugin reloads in a real <c>pluginnet run</c> process while a script calls <c>net.http</c> every
/// frame: the plugin's dll is overwritten in place (whole, half-written, with a file that is no
/// plugin), as a copy or a build does, and the console reloads it.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class PluginHotReloadTests
{
    // Calls net.http every frame; a frame in which the call raises prints "gap". Answers are counted.
    private const string EveryFrameCaller = """
        local answers = 0
        print("ready")
        event.on("frame_update", function(e)
          local ok, err = pcall(net.http.get, net.http, "http://127.0.0.1:1/", function()
            answers = answers + 1
            if answers % 10 == 0 then print("answers", answers) end
          end, 5)
          if not ok then print("gap", e.frame, err) end
        end)
        """;

    [Fact]
    public async Task Watch_DllHalfWrittenInPlace_NotLoadedPreviousVersionServesUntilTheFileIsComplete()
    {
        var plugin = PrivateHttpPlugin.Create();
        await using var host = PluginNetProcess.Start(
            [LuaScripts.Write(EveryFrameCaller), "--watch", "--timeout", "90", "--plugins", plugin.Config]);
        await host.WaitForLineAsync(l => l == "ready");
        var complete = await File.ReadAllBytesAsync(plugin.Dll);

        // A copy in progress: the file is cut to half its size and stays that way for a while.
        await using (var writer = new FileStream(plugin.Dll, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
            await writer.WriteAsync(complete.AsMemory(0, complete.Length / 2));
            await writer.FlushAsync();
            var (_, refused) = await host.WaitForLogFromAsync(0, l => l.Contains("plugin 'Http' not reloaded yet: PluginNet.Plugins.Http.dll", StringComparison.Ordinal));
            Assert.Contains("the previous version keeps serving", host.Stderr[refused]);
            await host.WaitForLogFromAsync(refused + 1, l => l.Contains("trying plugin Http again", StringComparison.Ordinal));
            await WaitForAnswersAfterAsync(host, host.Stdout.Count); // the previous version still answers

            await writer.WriteAsync(complete.AsMemory(complete.Length / 2));
        }

        await host.WaitForLogFromAsync(0, l => l.Contains("plugin 'Http' reloaded", StringComparison.Ordinal));
        await WaitForAnswersAfterAsync(host, host.Stdout.Count);

        Assert.False(host.Process.HasExited, host.Transcript);
        Assert.DoesNotContain(host.Stdout, l => l.StartsWith("gap", StringComparison.Ordinal));
        await host.SignalAsync("TERM");
        Assert.Equal(143, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Watch_DllOverwrittenInPlaceWithABadFileThenTheGoodOne_PreviousServesThenTheNewOne()
    {
        var plugin = PrivateHttpPlugin.Create();
        await using var host = PluginNetProcess.Start(
            [LuaScripts.Write(EveryFrameCaller), "--watch", "--timeout", "90", "--plugins", plugin.Config], console: true);
        await host.WaitForLineAsync(l => l == "ready");
        var good = await File.ReadAllBytesAsync(plugin.Dll);

        // A complete assembly that is no plugin (RestSharp), written over the plugin's dll in place.
        await OverwriteInPlaceAsync(plugin.Dll, await File.ReadAllBytesAsync(Path.Combine(plugin.Folder, "RestSharp.dll")));
        var (_, refused) = await host.WaitForLogFromAsync(0, l => l.Contains("plugin 'Http' not reloaded", StringComparison.Ordinal));
        Assert.Contains("it exports no transport", host.Stderr[refused]);
        Assert.Contains("the previous version keeps serving", host.Stderr[refused]);
        await WaitForAnswersAfterAsync(host, host.Stdout.Count);

        // The same build written in place again: it loads (from memory, not a stale image of the file).
        await OverwriteInPlaceAsync(plugin.Dll, good);
        await host.WaitForLogFromAsync(refused + 1, l => l.Contains("plugin 'Http' reloaded", StringComparison.Ordinal));
        await WaitForAnswersAfterAsync(host, host.Stdout.Count);
        var from = host.Stdout.Count;
        await host.SendAsync("plugins");
        await host.WaitForLineFromAsync(from, l => l == "# net.http -> Http");

        Assert.DoesNotContain(host.Stdout, l => l.StartsWith("gap", StringComparison.Ordinal));
        await host.SendAsync("quit");
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Reload_ConsoleAndWatch_EveryFrameFindsAnHttpTransport()
    {
        var plugin = PrivateHttpPlugin.Create();
        await using var host = PluginNetProcess.Start(
            [LuaScripts.Write(EveryFrameCaller), "--watch", "--timeout", "90", "--plugins", plugin.Config], console: true);
        await host.WaitForLineAsync(l => l == "ready");

        for (var i = 0; i < 5; i++)
        {
            var from = host.Stdout.Count;
            await host.SendAsync("plugin reload Http");
            await host.WaitForLineFromAsync(from, l => l is "# reloaded plugin Http" or "# loaded plugin Http");
            await WaitForAnswersAfterAsync(host, host.Stdout.Count);
        }

        for (var i = 0; i < 3; i++)
        {
            var logFrom = host.Stderr.Count;
            await OverwriteInPlaceAsync(plugin.Dll, await File.ReadAllBytesAsync(plugin.Dll));
            await host.WaitForLogFromAsync(logFrom, l => l.Contains("plugin 'Http' reloaded", StringComparison.Ordinal));
            await WaitForAnswersAfterAsync(host, host.Stdout.Count);
        }

        await host.SendAsync("quit");
        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.DoesNotContain(host.Stdout, l => l.StartsWith("gap", StringComparison.Ordinal));
    }

    // What cp does: the same file (inode) truncated and written again.
    private static async Task OverwriteInPlaceAsync(string path, byte[] content)
    {
        await using var writer = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
        await writer.WriteAsync(content);
    }

    // Two more "answers" lines after line `from`: requests are being answered now.
    private static async Task WaitForAnswersAfterAsync(PluginNetProcess host, int from)
    {
        var (_, first) = await host.WaitForLineFromAsync(from, l => l.StartsWith("answers", StringComparison.Ordinal));
        await host.WaitForLineFromAsync(first + 1, l => l.StartsWith("answers", StringComparison.Ordinal));
    }

    /// <summary>A private copy of the Http plugin's folder and a plugins.json that loads only it.</summary>
    private sealed record PrivateHttpPlugin(string Folder, string Dll, string Config)
    {
        public static PrivateHttpPlugin Create()
        {
            var root = LuaScripts.NewFolder();
            var folder = Directory.CreateDirectory(Path.Combine(root, "Http")).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "artifacts", "plugins", "Http")))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            var config = Path.Combine(root, "plugins.json");
            File.WriteAllText(config, """{ "plugins": [ { "name": "Http", "path": "Http/PluginNet.Plugins.Http.dll" } ] }""");
            return new PrivateHttpPlugin(folder, Path.Combine(folder, "PluginNet.Plugins.Http.dll"), config);
        }
    }
}
