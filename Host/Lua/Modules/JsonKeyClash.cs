using System.Text;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua.Modules;

/// <summary>
/// Two keys of one table that would become the same JSON member name: a number key is written as a
/// string, so <c>{[1] = "int", ["1"] = "str"}</c> would give the name "1" twice and one value would be
/// lost on decode. <c>json.encode</c> refuses such a table and names the clash.
/// </summary>
internal static class JsonKeyClash
{
    /// <summary>The error for the first clash among <paramref name="names"/> (sorted by name), or null.</summary>
    /// <param name="state">The Lua state.</param>
    /// <param name="keys">The stack index of the table holding each name's original key at its slot.</param>
    /// <param name="names">The member names with the slot of their key, sorted by name.</param>
    public static string? Find(LuaState state, int keys, List<(byte[] Name, int Slot)> names)
    {
        for (var i = 1; i < names.Count; i++)
        {
            if (names[i].Name.AsSpan().SequenceEqual(names[i - 1].Name))
            {
                var name = Encoding.UTF8.GetString(names[i].Name);
                var keysText = BothNumbers(state, keys, names[i - 1].Slot, names[i].Slot)
                    ? $"two number keys that are both written as \"{name}\""
                    : $"both the number key {name} and the string key \"{name}\"";
                return $"cannot encode a table with {keysText}: both become the JSON name \"{name}\" and one value would be lost (keep one of them)";
            }
        }

        return null;
    }

    private static bool BothNumbers(LuaState state, int keys, int first, int second)
    {
        state.RawGetInteger(keys, first);
        var a = state.Type(-1);
        state.RawGetInteger(keys, second);
        var b = state.Type(-1);
        state.Pop(2);
        return a == LuaType.Number && b == LuaType.Number;
    }
}
