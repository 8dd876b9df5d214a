using PluginNet.TestSupport;

namespace PluginNet.Inspector.Tests.Cli;

/// <summary><c>pluginnet run --inspect[=PORT]</c> on the real command line.</summary>
public sealed class InspectOptionTests
{
    private const string Quick = "print('ran') script.unload()";

    [Fact]
    public async Task BareInspect_BeforeTheScript_PicksAFreePort_PrintsItsUrl_AndTheScriptRuns()
    {
        var result = await PluginNetProcess.RunAsync(["--inspect", LuaScripts.Write(Quick)]);

        Assert.True(result.ExitCode == 0, result.Transcript);
        Assert.Matches(@"^inspector: http://127\.0\.0\.1:\d+/$", result.Stdout[0]);
        Assert.Contains("ran", result.Stdout);
    }

    [Fact]
    public async Task InspectWithAPort_ServesOnThatPort()
    {
        var port = LoopbackPorts.Free();
        var result = await PluginNetProcess.RunAsync([LuaScripts.Write(Quick), $"--inspect={port}"]);

        Assert.True(result.ExitCode == 0, result.Transcript);
        Assert.Equal($"inspector: http://127.0.0.1:{port}/", result.Stdout[0]);
    }

    [Fact]
    public async Task WithoutInspect_NothingOfItIsLoadedOrPrinted()
    {
        var result = await PluginNetProcess.RunAsync([LuaScripts.Write(Quick)]);

        Assert.True(result.ExitCode == 0, result.Transcript);
        Assert.Equal(["ran"], result.Stdout);
    }

    [Theory]
    [InlineData("--inspect=http")]
    [InlineData("--inspect=70000")]
    [InlineData("--inspect=-1")]
    public async Task ABadPort_IsAUsageError_NamingTheOption(string option)
    {
        var result = await PluginNetProcess.RunAsync([LuaScripts.Write(Quick), option]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(result.Stderr, l => l.Contains("--inspect", StringComparison.Ordinal) && l.Contains("port", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APortInUse_IsSaid_AndNoScriptRuns()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var result = await PluginNetProcess.RunAsync([LuaScripts.Write(Quick), $"--inspect={port}"]);

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("ran", result.Stdout);
        Assert.Contains(result.Stderr, l => l.Contains("--inspect", StringComparison.Ordinal) && l.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task APluginsJsonWithoutTheInspector_IsSaid()
    {
        var folder = LuaScripts.NewFolder();
        var config = Path.Combine(folder, "plugins.json");
        await File.WriteAllTextAsync(config, $$"""
            { "plugins": [ { "name": "Http", "path": "{{Path.Combine(RepoPaths.Root, "artifacts", "plugins", "Http", "PluginNet.Plugins.Http.dll")}}" } ] }
            """);

        var result = await PluginNetProcess.RunAsync([LuaScripts.Write(Quick), "--inspect", "--plugins", config]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(result.Stderr, l => l.Contains("\"Inspector\" entry", StringComparison.Ordinal));
    }
}
