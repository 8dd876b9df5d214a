using KeraLua;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using PluginNet.Host.Lua.Files;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// The request bodies of <c>net.http</c> beyond <c>body</c>, read from the table http_bodies.lua
/// hands to raw.send (types and conflicts are checked there): <c>form</c> becomes an
/// application/x-www-form-urlencoded body here; <c>multipart</c> and <c>body_file</c> name files that
/// must exist inside the download folder, and go to the transport as paths it streams from disk.
/// </summary>
internal sealed record RequestBodies(byte[]? Form, IReadOnlyList<HttpMultipartPart>? Multipart, string? BodyFile, bool Cookies)
{
    public const string FormContentType = "application/x-www-form-urlencoded";

    /// <summary>
    /// Reads the table at <paramref name="index"/> (nothing when it is not a table). Returns null and
    /// the reason (the text after "refused: ") when a file is outside the download folder or missing,
    /// or a name has a line break.
    /// </summary>
    public static RequestBodies? Read(LuaState state, int index, string downloadFolder, out string refusal)
    {
        refusal = string.Empty;
        if (state.Type(index) != LuaType.Table)
        {
            return new RequestBodies(null, null, null, false);
        }

        var cookies = state.GetField(index, "cookies") == LuaType.Boolean && state.ToBoolean(-1);
        state.Pop(1);

        byte[]? form = null;
        if (state.GetField(index, "form") == LuaType.Table)
        {
            form = EncodeForm(state, state.GetTop(), out refusal);
        }

        state.Pop(1);
        if (refusal.Length > 0)
        {
            return null;
        }

        string? bodyFile = null;
        if (state.GetField(index, "body_file") == LuaType.String)
        {
            bodyFile = ExistingFile(downloadFolder, state.ToText(-1)!, "body_file", out refusal);
        }

        state.Pop(1);
        if (refusal.Length > 0)
        {
            return null;
        }

        List<HttpMultipartPart>? parts = null;
        if (state.GetField(index, "multipart") == LuaType.Table)
        {
            parts = ReadParts(state, state.GetTop(), downloadFolder, out refusal);
        }

        state.Pop(1);
        return refusal.Length > 0 ? null : new RequestBodies(form, parts, bodyFile, cookies);
    }

    /// <summary>This body (and the script's jar, when cookies are on) on <paramref name="spec"/>.</summary>
    public HttpRequestSpec ApplyTo(HttpRequestSpec spec, Func<System.Net.CookieContainer> jar)
    {
        var applied = spec with { Cookies = Cookies ? jar() : null };
        if (Form is not null)
        {
            return applied with { Body = Form, ContentType = spec.ContentType ?? FormContentType };
        }

        return applied with { Multipart = Multipart, BodyFile = BodyFile };
    }

    // The table holds key, value, key, value, ... (sorted by the glue).
    private static byte[]? EncodeForm(LuaState state, int table, out string refusal)
    {
        refusal = string.Empty;
        using var body = new MemoryStream();
        var count = state.RawLen(table);
        for (var i = 1; i + 1 <= count; i += 2)
        {
            if (i > 1)
            {
                body.WriteByte((byte)'&');
            }

            state.RawGetInteger(table, i);
            var name = state.ToText(-1) ?? string.Empty;
            if (HasLineBreak(name))
            {
                // Encoded it would be harmless here, but a name with a line break is an injection attempt
                // wherever else it ends up (a header, a multipart part): refused like a header's.
                state.Pop(1);
                refusal = $"form field '{name.ReplaceLineEndings("\\n")}' has a line break";
                return null;
            }

            FormEncoding.Write(body, state.ToBytes(-1) ?? []);
            state.RawGetInteger(table, i + 1);
            body.WriteByte((byte)'=');
            FormEncoding.Write(body, state.ToBytes(-1) ?? []);
            state.Pop(2);
        }

        return body.ToArray();
    }

    private static List<HttpMultipartPart>? ReadParts(LuaState state, int table, string downloadFolder, out string refusal)
    {
        refusal = string.Empty;
        var parts = new List<HttpMultipartPart>();
        var count = state.RawLen(table);
        for (var i = 1; i <= count; i++)
        {
            state.RawGetInteger(table, i);
            var part = state.GetTop();
            var name = Field(state, part, "name") ?? string.Empty;
            var value = Field(state, part, "value");
            var file = Field(state, part, "file");
            var fileName = Field(state, part, "filename");
            var contentType = Field(state, part, "content_type");
            state.Pop(1);

            if (HasLineBreak(name) || name.Contains('"', StringComparison.Ordinal) || (fileName is not null && (HasLineBreak(fileName) || fileName.Contains('"', StringComparison.Ordinal))))
            {
                refusal = $"multipart part {i}: its name or filename '{(fileName ?? name).ReplaceLineEndings("\\n")}' has a line break or a quote";
                return null;
            }

            if (contentType is not null && HasLineBreak(contentType))
            {
                refusal = $"multipart part {i} ('{name}'): content_type contains a line break";
                return null;
            }

            string? path = null;
            if (file is not null)
            {
                path = ExistingFile(downloadFolder, file, $"multipart part {i} ('{name}') file", out refusal);
                if (path is null)
                {
                    return null;
                }
            }

            parts.Add(new HttpMultipartPart(name, path is null ? value : null, path, fileName, contentType));
        }

        return parts;
    }

    private static string? Field(LuaState state, int table, string name)
    {
        state.GetField(table, name);
        var text = state.ToText(-1);
        state.Pop(1);
        return text;
    }

    private static string? ExistingFile(string folder, string requested, string option, out string refusal)
    {
        var full = DownloadFolder.Resolve(folder, requested, out refusal, option);
        if (full is null)
        {
            return null;
        }

        // Read, not written: a symbolic link inside the folder must not hand out a file from elsewhere.
        var real = new ScriptFolders(folder, folder, folder).Resolve(full, out _);
        if (real is null)
        {
            refusal = $"{option} '{requested}' leads outside the download folder through a symbolic link";
            return null;
        }

        if (!File.Exists(real))
        {
            refusal = $"{option} '{requested}' does not exist in the download folder {Path.GetDirectoryName(full)}";
            return null;
        }

        return real;
    }

    private static bool HasLineBreak(string text) => text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;
}

/// <summary>The application/x-www-form-urlencoded byte serializer (WHATWG URL standard): works on bytes, so any Lua string goes through unchanged.</summary>
internal static class FormEncoding
{
    public static void Write(Stream output, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b == ' ')
            {
                output.WriteByte((byte)'+');
            }
            else if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                output.WriteByte(b);
            }
            else
            {
                output.WriteByte((byte)'%');
                output.WriteByte((byte)"0123456789ABCDEF"[b >> 4]);
                output.WriteByte((byte)"0123456789ABCDEF"[b & 0xF]);
            }
        }
    }
}
