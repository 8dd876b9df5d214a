using KeraLua;
using PluginNet.Core.Transports;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// A request's <c>retry</c> option, already checked by the glue (http.lua): how many attempts, on which
/// outcomes, the back-off, and whether a method that is not idempotent may be sent again.
/// </summary>
/// <param name="Attempts">Attempts in all, the first included (1–10).</param>
/// <param name="Statuses">HTTP statuses worth another attempt.</param>
/// <param name="OnTimeout">Retry when the exchange timed out.</param>
/// <param name="OnConnect">Retry when no connection could be made.</param>
/// <param name="Backoff">The first back-off; it doubles each time, with jitter.</param>
/// <param name="MaxDelay">The longest wait between attempts, a server's Retry-After included.</param>
/// <param name="Unsafe">Retry POST, PATCH and other methods that are not idempotent too.</param>
internal sealed record RetryOptions(
    int Attempts, IReadOnlySet<int> Statuses, bool OnTimeout, bool OnConnect, TimeSpan Backoff, TimeSpan MaxDelay, bool Unsafe)
{
    private static readonly HashSet<string> Idempotent = new(StringComparer.Ordinal) { "GET", "HEAD", "PUT", "DELETE", "OPTIONS" };

    /// <summary>True when <paramref name="method"/> may be sent again under these options.</summary>
    public bool Allows(string method) => Attempts > 1 && (Unsafe || Idempotent.Contains(method));

    /// <summary>True when <paramref name="result"/> is an outcome these options retry.</summary>
    public bool Covers(HttpResult result) => result.Status != 0
        ? Statuses.Contains(result.Status)
        : (OnTimeout && result.FailureKind == HttpFailureKind.Timeout) || (OnConnect && result.FailureKind == HttpFailureKind.Connect);

    /// <summary>
    /// Reads the table the glue built at <paramref name="index"/>:
    /// <c>{ attempts, statuses = { 429, ... }, timeout, connect, backoff, max_delay, unsafe }</c>; null when nil.
    /// </summary>
    public static RetryOptions? Read(LuaState state, int index)
    {
        if (state.Type(index) != LuaType.Table)
        {
            return null;
        }

        var table = state.AbsIndex(index);
        var statuses = new HashSet<int>();
        state.GetField(table, "statuses");
        for (var i = 1; state.RawGetInteger(-1, i) == LuaType.Number; i++)
        {
            statuses.Add((int)state.ToNumber(-1));
            state.Pop(1);
        }

        state.Pop(2);
        return new RetryOptions(
            (int)Number(state, table, "attempts"),
            statuses,
            Flag(state, table, "timeout"),
            Flag(state, table, "connect"),
            TimeSpan.FromSeconds(Number(state, table, "backoff")),
            TimeSpan.FromSeconds(Number(state, table, "max_delay")),
            Flag(state, table, "unsafe"));
    }

    private static double Number(LuaState state, int table, string field)
    {
        state.GetField(table, field);
        var value = state.ToNumber(-1);
        state.Pop(1);
        return value;
    }

    private static bool Flag(LuaState state, int table, string field)
    {
        state.GetField(table, field);
        var value = state.ToBoolean(-1);
        state.Pop(1);
        return value;
    }
}
