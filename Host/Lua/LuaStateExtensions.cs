using System.Text;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua;

/// <summary>
/// Byte-exact reading and writing of Lua strings. Lua strings are bytes; text meant for people is
/// decoded as UTF-8 only where it really is text.
/// </summary>
internal static class LuaStateExtensions
{
    /// <summary>The string at <paramref name="index"/> as raw bytes, or null when it is not a string.</summary>
    public static byte[]? ToBytes(this LuaState state, int index) =>
        state.Type(index) == KeraLua.LuaType.String ? state.ToBuffer(index, false) : null;

    /// <summary>The string at <paramref name="index"/> decoded as UTF-8, or null when it is not a string.</summary>
    public static string? ToText(this LuaState state, int index) =>
        state.ToBytes(index) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>Pushes <paramref name="text"/> as UTF-8 bytes.</summary>
    public static void PushText(this LuaState state, string text) => state.PushBuffer(Encoding.UTF8.GetBytes(text));

    /// <summary>The number at <paramref name="index"/>, or null when it is nil or absent.</summary>
    public static double? ToOptionalNumber(this LuaState state, int index) =>
        state.Type(index) == KeraLua.LuaType.Number ? state.ToNumber(index) : null;

    /// <summary>Returns the usual Lua failure pair: nil and a message.</summary>
    public static int ReturnError(this LuaState state, string message)
    {
        state.PushNil();
        state.PushText(message);
        return 2;
    }
}
