using System.Text;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>Script files load as stock Lua 5.4 loads them: a UTF-8 byte-order mark and a <c>#!</c> first line are skipped.</summary>
public class ScriptFileTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Load_ByteOrderMarkOrShebang_RunsWithRightLineNumbers(bool byteOrderMark, bool shebang)
    {
        var text = (shebang ? "#!/usr/bin/env lua\n" : "\n") + "print('ran')\nscript.unload()\nerror('on line 4')\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var path = LuaScripts.Write(string.Empty);
        await File.WriteAllBytesAsync(path, byteOrderMark ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);

        var runner = await EngineRunner.StartAsync([path]);
        var result = await runner.WaitForExitAsync();

        Assert.Equal(EngineRunResult.AllScriptsUnloaded, result);
        Assert.Equal(["ran"], runner.Output.Prints);
        Assert.Contains(runner.Output.Logs, l => l.Message.Contains($"{Path.GetFileName(path)}:4: on line 4", StringComparison.Ordinal));
    }
}
