using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// The options a request adds to the seed's (redirects, limits, timeouts, progress and streaming), as
/// the glue hands them over in one table after checking their types and ranges.
/// </summary>
internal sealed record HttpMoreOptions(
    int? MaxRedirects,
    long? MaxBody,
    double? ConnectTimeout,
    double? IdleTimeout,
    string? LastEventId,
    bool Progress,
    bool UploadProgress,
    HttpBodyStream Stream)
{
    /// <summary>Reads the glue's table at <paramref name="index"/> (none: no additions).</summary>
    public static HttpMoreOptions Read(LuaState state, int index)
    {
        if (state.Type(index) != KeraLua.LuaType.Table)
        {
            return new(null, null, null, null, null, false, false, HttpBodyStream.None);
        }

        var stream = Text(state, index, "stream") switch
        {
            "chunk" => HttpBodyStream.Chunks,
            "event" => HttpBodyStream.Events,
            _ => HttpBodyStream.None,
        };
        return new(
            (int?)Number(state, index, "max_redirects"),
            (long?)Number(state, index, "max_body"),
            Number(state, index, "connect_timeout"),
            Number(state, index, "idle_timeout"),
            Text(state, index, "last_event_id"),
            Flag(state, index, "progress"),
            Flag(state, index, "upload_progress"),
            stream);
    }

    /// <summary>True when the exchange needs a listener.</summary>
    public bool Listens => Progress || UploadProgress || Stream != HttpBodyStream.None;

    /// <summary>Null when these options hold, otherwise why the request is refused (nothing is sent).</summary>
    public string? Refusal() =>
        LastEventId is { } last && last.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0
            ? "refused: last_event_id contains a line break"
            : null;

    /// <summary>The request with these options applied.</summary>
    public HttpRequestSpec ApplyTo(HttpRequestSpec spec, long memoryLimit, IHttpExchangeListener? listener)
    {
        var headers = spec.Headers;
        if (LastEventId is { } last)
        {
            headers = [.. spec.Headers.Where(h => !h.Key.Equals("Last-Event-ID", StringComparison.OrdinalIgnoreCase)), new("Last-Event-ID", last)];
        }

        var streamed = spec.SaveToFile is not null || Stream != HttpBodyStream.None;
        return spec with
        {
            Headers = headers,
            MaxBodyBytes = MaxBody is { } cap && !streamed ? Math.Min(cap, memoryLimit) : spec.MaxBodyBytes,
            MaxStreamedBodyBytes = streamed ? MaxBody : null,
            MaxRedirects = MaxRedirects ?? HttpRequestSpec.DefaultMaxRedirects,
            ConnectTimeout = ConnectTimeout is { } connect ? HttpTimeout.FromSeconds(connect) : Timeout.InfiniteTimeSpan,
            IdleTimeout = IdleTimeout is { } idle ? HttpTimeout.FromSeconds(idle) : Timeout.InfiniteTimeSpan,
            Listener = listener,
        };
    }

    private static double? Number(LuaState state, int index, string field)
    {
        state.GetField(index, field);
        var value = state.ToOptionalNumber(-1);
        state.Pop(1);
        return value;
    }

    private static string? Text(LuaState state, int index, string field)
    {
        state.GetField(index, field);
        var value = state.Type(-1) == KeraLua.LuaType.String ? state.ToText(-1) : null;
        state.Pop(1);
        return value;
    }

    private static bool Flag(LuaState state, int index, string field)
    {
        state.GetField(index, field);
        var value = state.ToBoolean(-1);
        state.Pop(1);
        return value;
    }
}
