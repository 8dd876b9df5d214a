using System.Text;
using System.Text.Json;
using PluginNet.Plugins.Inspector.Store;

namespace PluginNet.Plugins.Inspector.Render;

/// <summary>
/// How a body or message reads on the page: JSON pretty-printed, other text as it is, binary as a hex
/// dump; always from the kept (bounded) bytes, and saying when they are not the whole payload.
/// </summary>
internal static class BodyPreview
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Whether the preview is <c>json</c>, <c>text</c>, <c>hex</c> or <c>empty</c>, and its text.</summary>
    public static (string Format, string Text) Render(Payload payload, bool binaryHint, int maxChars)
    {
        if (payload.Size == 0)
        {
            return ("empty", string.Empty);
        }

        var text = binaryHint ? null : AsText(payload.Kept);
        if (text is null)
        {
            return ("hex", Hex(payload.Kept, maxChars));
        }

        if (!payload.Truncated && Pretty(text) is { } json)
        {
            return ("json", Cut(json, maxChars));
        }

        return ("text", Cut(text, maxChars));
    }

    /// <summary>The kept bytes as text when they are UTF-8 without control characters (a cut multi-byte character at the end is allowed).</summary>
    public static string? AsText(byte[] bytes)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // A body kept up to the limit may end inside a character: try without its last bytes.
            var end = bytes.Length;
            while (end > 0 && end > bytes.Length - 4 && (bytes[end - 1] & 0xC0) == 0x80)
            {
                end--;
            }

            try
            {
                text = StrictUtf8.GetString(bytes, 0, Math.Max(0, end - 1));
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }

        return text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) ? null : text;
    }

    private static string? Pretty(string text)
    {
        var start = text.TrimStart();
        if (start.Length == 0 || start[0] is not ('{' or '['))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Offset, 16 bytes in hex and their printable characters per line.</summary>
    public static string Hex(byte[] bytes, int maxChars)
    {
        var sb = new StringBuilder();
        for (var line = 0; line < bytes.Length && sb.Length < maxChars; line += 16)
        {
            var count = Math.Min(16, bytes.Length - line);
            sb.Append(line.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)).Append("  ");
            for (var i = 0; i < 16; i++)
            {
                sb.Append(i < count ? bytes[line + i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + " " : "   ");
            }

            sb.Append(' ');
            for (var i = 0; i < count; i++)
            {
                var b = bytes[line + i];
                sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Cut(string text, int maxChars) => text.Length <= maxChars ? text : text[..maxChars];
}
