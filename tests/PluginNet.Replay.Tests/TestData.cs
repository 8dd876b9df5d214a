namespace PluginNet.Replay.Tests;

internal static class TestData
{
    /// <summary>Byte i is (i * 7) % 256: every byte value, never valid UTF-8 for long.</summary>
    public static byte[] Binary(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 % 256);
        }

        return bytes;
    }

    /// <summary>
    /// Lua that checks a string against <see cref="Binary"/>, byte for byte: it builds the expected
    /// bytes with string functions (C speed) and compares, so a 1 MB check stays far below the
    /// 250 ms runaway limit even on a loaded machine.
    /// </summary>
    public const string LuaCheck = """
        local function matches_pattern(body)
          local unit = {}
          for i = 0, 255 do unit[i + 1] = string.char(i * 7 % 256) end
          local expected = string.rep(table.concat(unit), #body // 256 + 1):sub(1, #body)
          return body == expected
        end

        """;
}
