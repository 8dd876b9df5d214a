namespace PluginNet.Host.Lua;

/// <summary>
/// A script file's bytes as stock Lua 5.4's <c>luaL_loadfile</c> reads them: a UTF-8 byte-order mark
/// (Windows Notepad writes one) is skipped, and a first line starting with <c>#</c> (a <c>#!</c> line) is
/// skipped too, keeping its line break so that every line number stays right.
/// </summary>
internal static class ScriptSource
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    public static byte[] Prepare(byte[] file)
    {
        var start = file.AsSpan().StartsWith(ByteOrderMark) ? 3 : 0;
        if (start < file.Length && file[start] == (byte)'#')
        {
            var lineBreak = file.AsSpan(start).IndexOf((byte)'\n');
            start = lineBreak < 0 ? file.Length : start + lineBreak;
        }

        return start == 0 ? file : file[start..];
    }
}
