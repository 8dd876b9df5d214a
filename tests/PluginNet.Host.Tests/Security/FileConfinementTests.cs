using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>
/// A script's <c>io</c> and <c>os</c> reach only its own folder, its data folder and the download
/// folder (Host/Lua/Glue/files.lua); a script plugins.json trusts with <c>"files": "all"</c> reaches
/// everything; <c>os.getenv</c> reads only the variables the <c>env</c> permission lists.
/// </summary>
public class FileConfinementTests
{
    [Fact]
    public async Task IoOpen_OutsideTheScriptsFolders_RefusedForAbsoluteDotDotAndSymlink()
    {
        var outside = LuaScripts.NewFolder();
        var secret = Path.Combine(outside, "secret.txt");
        await File.WriteAllTextAsync(secret, "SECRET");
        var folder = LuaScripts.NewFolder();
        var own = Path.Combine(folder, "mod");
        Directory.CreateDirectory(own);
        File.CreateSymbolicLink(Path.Combine(own, "link.txt"), secret);
        Directory.CreateSymbolicLink(Path.Combine(own, "linkdir"), outside);
        var relative = Path.GetRelativePath(own, secret).Replace('\\', '/');

        var (prints, transcript) = await RunAsync(own, "reader.lua", null, $$"""
            local function try(label, ...)
              local f, err = io.open(...)
              print(label, f ~= nil and f:read("a") or err)
              if f then f:close() end
            end
            try("absolute", [[{{secret}}]])
            try("dotdot", "{{relative}}")
            try("symlink", "link.txt")
            try("symlinked folder", "linkdir/secret.txt")
            print("lines", pcall(io.lines, [[{{secret}}]]))
            print("remove", os.remove([[{{secret}}]]))
            print("rename", os.rename("x.txt", [[{{secret}}]]))
            print("loadfile", loadfile([[{{secret}}]]))
            local w = assert(io.open("own.txt", "w")) w:write("mine") w:close()
            print("own", io.open("own.txt"):read("a"))
            local d = assert(io.open(script.data_dir .. "/state.json", "w")) d:write("{}") d:close()
            print("data", io.open(script.data_dir .. "/state.json"):read("a"))
            """);

        Assert.True(prints.Count == 10, transcript);
        Assert.Equal($"absolute\topen: '{secret}' is outside the folders this script may use (its own folder, script.data_dir and the download folder)", prints[0]);
        Assert.StartsWith($"dotdot\topen: '{relative}' is outside the folders this script may use", prints[1]);
        Assert.Equal($"symlink\topen: 'link.txt' leads to {secret} (through a symbolic link), outside the folders this script may use (its own folder, script.data_dir and the download folder)", prints[2]);
        Assert.StartsWith("symlinked folder\topen: 'linkdir/secret.txt' leads to ", prints[3]);
        Assert.Matches(@"^lines\tfalse\tlines: '.*secret\.txt' is outside", prints[4]);
        Assert.StartsWith("remove\tnil\tremove: '", prints[5]);
        Assert.StartsWith("rename\tnil\trename: '", prints[6]);
        Assert.StartsWith("loadfile\tnil\tloadfile: '", prints[7]);
        Assert.Equal("own\tmine", prints[8]);
        Assert.Equal("data\t{}", prints[9]);
        Assert.True(File.Exists(secret));
        Assert.DoesNotContain(prints, p => p.Contains("\tSECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IoOpen_TrustedScript_ReachesEveryFile()
    {
        var outside = LuaScripts.NewFolder();
        var secret = Path.Combine(outside, "secret.txt");
        await File.WriteAllTextAsync(secret, "SECRET");
        var own = LuaScripts.NewFolder();
        var permissions = """ "permissions": { "scripts": { "tool.lua": { "files": "all" } } } """;

        var (trusted, _) = await RunAsync(own, "tool.lua", permissions, $"print(io.open([[{secret}]]):read('a'))");
        var (other, _) = await RunAsync(own, "other.lua", permissions, $"print(io.open([[{secret}]]))");

        Assert.Equal(["SECRET"], trusted);
        Assert.StartsWith("nil\topen: '", other[0]);
    }

    [Fact]
    public async Task Getenv_OnlyTheVariablesThePermissionsList()
    {
        Environment.SetEnvironmentVariable("PLUGINNET_TEST_LISTED", "listed-value");
        Environment.SetEnvironmentVariable("PLUGINNET_TEST_SECRET", "secret-value");
        var own = LuaScripts.NewFolder();
        var permissions = """ "permissions": { "default": { "env": ["PLUGINNET_TEST_LISTED"] }, "scripts": { "none.lua": {} } } """;
        const string lua = """
            print(os.getenv("PLUGINNET_TEST_LISTED"), os.getenv("PLUGINNET_TEST_SECRET"), os.getenv("HOME"), os.getenv("PATH"))
            print(pcall(os.getenv, 42))
            """;

        var (listed, _) = await RunAsync(own, "env.lua", permissions, lua);
        var (none, _) = await RunAsync(own, "none.lua", permissions, lua);

        Assert.Equal("listed-value\tnil\tnil\tnil", listed[0]);
        Assert.Matches(@"^false\t.*bad argument #1 to 'getenv' \(string expected, got number\)$", listed[1]);
        Assert.Equal("nil\tnil\tnil\tnil", none[0]);
    }

    private static async Task<(IReadOnlyList<string> Prints, string Transcript)> RunAsync(string folder, string name, string? permissions, string lua)
    {
        var script = Path.Combine(folder, name);
        await File.WriteAllTextAsync(script, lua + "\nscript.unload()\n");
        string? config = null;
        if (permissions is not null)
        {
            config = Path.Combine(LuaScripts.NewFolder(), "plugins.json");
            await File.WriteAllTextAsync(config, $$"""{ "plugins": [], {{permissions}} }""");
        }

        var output = await EngineRunner.RunToEndAsync(
            [script],
            options: o => o with { DataDirectory = LuaScripts.NewFolder() },
            pluginsJson: config,
            withPlugins: config is not null);
        return (output.Prints, output.Transcript);
    }
}
