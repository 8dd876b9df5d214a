using System.Web;
using PluginNet.Core.Transports;
using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// The Lua table a script gets for a request its server received (the <c>req</c> of
/// <c>on_open(client, req)</c>): <c>method, path, query, headers, origin, protocol, remote</c>.
/// </summary>
/// <remarks>
/// Header names are lower-case and repeats are joined with ", " (as <c>resp.headers</c>); a query key
/// given more than once keeps its values joined with ","; a key with no "=" has the value "".
/// <c>origin</c> is nil when the request has no Origin header.
/// </remarks>
internal static class IncomingRequestTable
{
    /// <summary>Pushes the table for <paramref name="request"/>; an empty table when the plugin gave none.</summary>
    public static void Push(LuaState state, IncomingRequest? request)
    {
        state.NewTable();
        if (request is null)
        {
            return;
        }

        SetText(state, "method", request.Method);
        SetText(state, "path", request.Path);
        SetText(state, "protocol", request.Protocol);
        SetText(state, "remote", request.Remote);

        var headers = JoinedHeaders(request.Headers);
        if (headers.TryGetValue("origin", out var origin))
        {
            SetText(state, "origin", origin);
        }

        PushMap(state, headers);
        state.SetField(-2, "headers");
        PushMap(state, Query(request.Query));
        state.SetField(-2, "query");
    }

    /// <summary>Header values by lower-case name, repeats joined with ", " in arrival order.</summary>
    public static Dictionary<string, string> JoinedHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var joined = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.ToLowerInvariant();
            joined[key] = joined.TryGetValue(key, out var earlier) ? $"{earlier}, {value}" : value;
        }

        return joined;
    }

    private static Dictionary<string, string> Query(string query)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var parsed = HttpUtility.ParseQueryString(query);
        foreach (var key in parsed.AllKeys)
        {
            if (key is null)
            {
                // "?a&b": names without "=" come under the null key; each is a key with an empty value.
                foreach (var bare in parsed.GetValues(null) ?? [])
                {
                    map[bare] = "";
                }
            }
            else
            {
                map[key] = parsed[key] ?? "";
            }
        }

        return map;
    }

    private static void PushMap(LuaState state, Dictionary<string, string> map)
    {
        state.CreateTable(0, map.Count);
        foreach (var (key, value) in map)
        {
            SetText(state, key, value);
        }
    }

    private static void SetText(LuaState state, string key, string value)
    {
        state.PushText(key);
        state.PushText(value);
        state.RawSet(-3);
    }
}
