using System.Runtime.InteropServices;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua;

/// <summary>Pushes bytes from a span as a Lua string: a piece of a streamed body needs no array of its own.</summary>
internal static unsafe partial class LuaBytes
{
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
}
