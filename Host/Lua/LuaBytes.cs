using System.Runtime.InteropServices;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua;

/// <summary>
/// Lua strings as bytes without a copy: pushing a span (a piece of a streamed body needs no array of
/// its own) and checking one in place.
/// </summary>
internal static unsafe partial class LuaBytes
{
    /// <summary>
    /// True when the string at <paramref name="index"/> is valid UTF-8 (the vectorised check of
    /// System.Text.Unicode, on Lua's own bytes); false for invalid text or a value that is not a string.
    /// </summary>
    public static bool IsUtf8(this LuaState state, int index)
    {
        if (state.Type(index) != KeraLua.LuaType.String)
        {
            return false;
        }

        var pointer = lua_tolstring(state.Handle, index, out var length);
        return System.Text.Unicode.Utf8.IsValid(new ReadOnlySpan<byte>((byte*)pointer, checked((int)length)));
    }

    /// <summary>Pushes <paramref name="bytes"/> as one Lua string (Lua copies them).</summary>
    public static void PushBytes(this LuaState state, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            lua_pushlstring(state.Handle, start, (nuint)bytes.Length);
        }
    }

    [LibraryImport("lua54")]
    private static partial IntPtr lua_pushlstring(IntPtr state, byte* bytes, nuint length);

    [LibraryImport("lua54")]
    private static partial IntPtr lua_tolstring(IntPtr state, int index, out nuint length);
}
