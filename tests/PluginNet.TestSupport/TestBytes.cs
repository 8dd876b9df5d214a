namespace PluginNet.TestSupport;

/// <summary>Byte patterns that prove a body or message crossed byte-exact.</summary>
public static class TestBytes
{
    /// <summary>
    /// Lua that defines <c>matches_pattern(body)</c>, true when a string equals <see cref="Pattern"/>
    /// of its length, byte for byte: it builds the expected bytes with string functions (C speed) and
    /// compares, so a 1 MB check stays far below the 250 ms callback time limit even on a loaded machine.
    /// </summary>
    public const string LuaPatternCheck = """
        local function matches_pattern(body)
          local unit = {}
          for i = 0, 255 do unit[i + 1] = string.char(i * 7 % 256) end
          local expected = string.rep(table.concat(unit), #body // 256 + 1):sub(1, #body)
          return body == expected
        end

        """;

    /// <summary>Byte i is (i * 7) % 256: every byte value, never valid UTF-8 for long.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 % 256);
        }

        return bytes;
    }

    /// <summary>The 256 byte values 0 to 255, in order.</summary>
    public static byte[] AllValues() => [.. Enumerable.Range(0, 256).Select(i => (byte)i)];
}
