using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua.Modules;

/// <summary>
/// Lua value ⇄ JSON without intermediate objects. Tables whose keys are exactly 1..n become arrays;
/// other tables, and the empty table, become objects (number keys written as strings), the usual
/// choice of Lua JSON libraries. JSON null decodes to nil.
/// </summary>
/// <remarks>
/// Object members are written in the byte order of their names. Lua's table order changes from one
/// Lua state to the next (string hashes are seeded per state), so without sorting the same table would
/// encode differently on every run: request bodies would not match a Replay recording, and nothing
/// could compare encoded text.
/// </remarks>
internal static class LuaJson
{
    private const int MaxDepth = 64;

    /// <summary>Raw function: value → JSON string, or nil and a message.</summary>
    public static int Encode(LuaState state)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = false }))
        {
            if (WriteValue(state, 1, writer, 0) is { } error)
            {
                return state.ReturnError(error);
            }
        }

        state.PushBuffer(buffer.WrittenSpan.ToArray());
        return 1;
    }

    /// <summary>Raw function: JSON string → (true, value), or (false, message). A UTF-8 byte-order mark is skipped.</summary>
    public static int Decode(LuaState state)
    {
        var bytes = state.ToBytes(1) ?? [];
        var skipped = bytes.AsSpan().StartsWith(ByteOrderMark) ? ByteOrderMark.Length : 0;
        var json = bytes.AsMemory(skipped);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            state.PushBoolean(true);
            PushElement(state, document.RootElement);
            return 2;
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            return DecodeFailed(state, JsonPosition.Format(line, (ex.BytePositionInLine ?? 0) + 1 + (line == 1 ? skipped : 0)));
        }
        catch (InvalidOperationException) when (JsonPosition.FindInvalidString(json.Span, skipped) is { } where)
        {
            // A string that cannot become text: System.Text.Json notices only when it is read.
            return DecodeFailed(state, where);
        }
    }

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static int DecodeFailed(LuaState state, string message)
    {
        state.SetTop(1);
        state.PushBoolean(false);
        state.PushText(message);
        return 2;
    }

    private static string? WriteValue(LuaState state, int index, Utf8JsonWriter writer, int depth)
    {
        switch (state.Type(index))
        {
            case LuaType.Nil:
                writer.WriteNullValue();
                return null;
            case LuaType.Boolean:
                writer.WriteBooleanValue(state.ToBoolean(index));
                return null;
            case LuaType.Number:
                return WriteNumber(state, index, writer);
            case LuaType.String:
                var bytes = state.ToBuffer(index, false);
                if (!Utf8.IsValid(bytes))
                {
                    return "cannot encode a string that is not valid UTF-8 (binary data?)";
                }

                writer.WriteStringValue(bytes);
                return null;
            case LuaType.Table:
                return depth >= MaxDepth
                    ? $"table nested more than {MaxDepth} deep (a cycle?)"
                    : WriteTable(state, state.AbsIndex(index), writer, depth + 1);
            default:
                return $"cannot encode a {state.TypeName(state.Type(index))} (JSON holds only nil, booleans, numbers, strings and tables)";
        }
    }

    private static string? WriteNumber(LuaState state, int index, Utf8JsonWriter writer)
    {
        if (state.IsInteger(index))
        {
            writer.WriteNumberValue(state.ToInteger(index));
            return null;
        }

        var number = state.ToNumber(index);
        if (!double.IsFinite(number))
        {
            return $"cannot encode {number} (JSON has no NaN or infinity)";
        }

        writer.WriteNumberValue(number);
        return null;
    }

    private static string? WriteTable(LuaState state, int table, Utf8JsonWriter writer, int depth)
    {
        if (!state.CheckStack(6))
        {
            return "Lua stack exhausted";
        }

        var length = state.RawLen(table);
        if (length > 0 && CountKeys(state, table) == length)
        {
            writer.WriteStartArray();
            for (var i = 1; i <= length; i++)
            {
                state.RawGetInteger(table, i);
                var error = WriteValue(state, -1, writer, depth);
                state.Pop(1);
                if (error is not null)
                {
                    return error;
                }
            }

            writer.WriteEndArray();
            return null;
        }

        return WriteObject(state, table, writer, depth);
    }

    private static string? WriteObject(LuaState state, int table, Utf8JsonWriter writer, int depth)
    {
        // Collect the keys (into a Lua table, so number keys keep their exact value) with their JSON names.
        state.NewTable();
        var keys = state.GetTop();
        var names = new List<(byte[] Name, int Slot)>();
        state.PushNil();
        while (state.Next(table))
        {
            state.Pop(1);
            byte[] name;
            switch (state.Type(-1))
            {
                case LuaType.String:
                    name = state.ToBuffer(-1, false);
                    if (!Utf8.IsValid(name))
                    {
                        state.SetTop(keys - 1);
                        return "cannot encode a table key that is not valid UTF-8";
                    }

                    break;
                case LuaType.Number:
                    // Copy first: converting the key in place would confuse lua_next.
                    state.PushCopy(-1);
                    name = state.ToBuffer(-1, false);
                    state.Pop(1);
                    break;
                default:
                    var type = state.TypeName(state.Type(-1));
                    state.SetTop(keys - 1);
                    return $"cannot encode a table key of type {type}";
            }

            names.Add((name, names.Count + 1));
            state.PushCopy(-1);
            state.RawSetInteger(keys, names.Count);
        }

        names.Sort(static (a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        if (JsonKeyClash.Find(state, keys, names) is { } clash)
        {
            state.SetTop(keys - 1);
            return clash;
        }

        writer.WriteStartObject();
        foreach (var (name, slot) in names)
        {
            writer.WritePropertyName(name);
            state.RawGetInteger(keys, slot);
            state.RawGet(table);
            var error = WriteValue(state, -1, writer, depth);
            state.Pop(1);
            if (error is not null)
            {
                state.SetTop(keys - 1);
                return error;
            }
        }

        state.SetTop(keys - 1);
        writer.WriteEndObject();
        return null;
    }

    private static int CountKeys(LuaState state, int table)
    {
        var count = 0;
        state.PushNil();
        while (state.Next(table))
        {
            count++;
            state.Pop(1);
        }

        return count;
    }

    private static void PushElement(LuaState state, JsonElement element)
    {
        if (!state.CheckStack(3))
        {
            throw new JsonException("document nested too deep for the Lua stack");
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                state.NewTable();
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    state.PushText(property.Name);
                    PushElement(state, property.Value);
                    state.RawSet(-3);
                }

                break;
            case JsonValueKind.Array:
                state.NewTable();
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    i++;
                    PushElement(state, item);
                    state.RawSetInteger(-2, i);
                }

                break;
            case JsonValueKind.String:
                state.PushText(element.GetString()!);
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer))
                {
                    state.PushInteger(integer);
                }
                else
                {
                    state.PushNumber(element.GetDouble());
                }

                break;
            case JsonValueKind.True:
                state.PushBoolean(true);
                break;
            case JsonValueKind.False:
                state.PushBoolean(false);
                break;
            default:
                state.PushNil();
                break;
        }
    }
}
