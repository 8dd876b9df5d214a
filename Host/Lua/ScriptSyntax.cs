using KeraLua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua;

/// <summary>Compiles a script file without running it, to know before a reload whether the new version can load at all.</summary>
internal static class ScriptSyntax
{
    /// <summary>What keeps the file at <paramref name="path"/> from compiling (unreadable, syntax error), or null when it compiles.</summary>
    public static string? Problem(string path)
    {
        byte[] chunk;
        try
        {
            chunk = ScriptSource.Prepare(File.ReadAllBytes(path)); // as the load will see it (byte-order mark, #! line)
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot read {path}: {ex.Message}";
        }

        using var lua = new LuaState(openLibs: false);
        return lua.LoadBuffer(chunk, "@" + path, "t") == LuaStatus.OK
            ? null
            : "syntax error: " + (lua.ToString(-1) ?? "(no message)");
    }
}
