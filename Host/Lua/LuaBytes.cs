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

        var bytes = state.StringBytes(index, out var length);
        return System.Text.Unicode.Utf8.IsValid(new ReadOnlySpan<byte>(bytes, checked((int)length)));
    }

    /// <summary>
    /// The bytes of the string at <paramref name="index"/> where Lua holds them (valid while the value
    /// stays on the stack); a number there is converted in place, anything else gives null.
    /// </summary>
    public static byte* StringBytes(this LuaState state, int index, out long length)
    {
        var pointer = lua_tolstring(state.Handle, index, out var size);
        length = (long)size;
        return (byte*)pointer;
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
