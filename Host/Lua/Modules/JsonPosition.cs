using System.Text.Json;
using System.Text.Unicode;

namespace PluginNet.Host.Lua.Modules;

/// <summary>
/// Where JSON text goes wrong, in the words of <c>json.decode</c>'s errors ("invalid JSON at line N,
/// byte M"): for a string that cannot become text (bytes that are not UTF-8, or an escaped half of a
/// surrogate pair such as <c>\ud800</c> alone), which System.Text.Json only notices when the string
/// is read, without a position.
/// </summary>
internal static class JsonPosition
{
    /// <summary>The position of the first string in <paramref name="json"/> that is not text; null when every string is.</summary>
    /// <param name="json">The JSON text (after a byte-order mark, if any).</param>
    /// <param name="skipped">Bytes before <paramref name="json"/> on its first line (a byte-order mark), counted in the position.</param>
    public static string? FindInvalidString(ReadOnlySpan<byte> json, int skipped)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }

                var start = (int)reader.TokenStartIndex;
                if (!reader.ValueIsEscaped)
                {
                    if (!Utf8.IsValid(reader.ValueSpan))
                    {
                        return Describe(json, start + 1 + FirstInvalidByte(reader.ValueSpan), skipped, "text that is not valid UTF-8");
                    }

                    continue;
                }

                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return Describe(json, start, skipped, "a string with an escaped half of a surrogate pair (such as \\ud800 alone), which is not a character");
                }
            }
        }
        catch (JsonException)
        {
            // The parser reports syntax errors itself; only strings are looked at here.
        }

        return null;
    }

    /// <summary>"invalid JSON at line N, byte M" for 1-based line and byte numbers.</summary>
    public static string Format(long line, long byteInLine) => $"invalid JSON at line {line}, byte {byteInLine}";

    private static string Describe(ReadOnlySpan<byte> json, int index, int skipped, string what)
    {
        var before = json[..index];
        var line = before.Count((byte)'\n') + 1;
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        var column = index - lineStart + 1 + (line == 1 ? skipped : 0);
        return $"{Format(line, column)} ({what})";
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[i..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return i;
            }

            i += consumed;
        }

        return i;
    }
}
