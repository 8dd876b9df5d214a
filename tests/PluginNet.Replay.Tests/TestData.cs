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

    /// <summary>Lua that checks a string against <see cref="Binary"/>, byte by byte.</summary>
    public const string LuaCheck = """
        local function matches_pattern(body)
          for i = 1, #body do
            if body:byte(i) ~= (i - 1) * 7 % 256 then return false end
          end
          return true
        end

        """;
}
