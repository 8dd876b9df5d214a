using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua.Patterns;

/// <summary>
/// The raw functions behind the guarded pattern path (<c>Glue/patterns.lua</c>): one match attempt
/// (or a scan for the first match) with a step budget, and the static cost estimate that decides
/// which path a call takes. They read the subject and pattern where Lua holds them (no copy).
/// </summary>
internal static unsafe class PatternFunctions
{
    /// <summary>Mode bit: try every start from <c>pos</c> to the end (unless the pattern is anchored).</summary>
    public const int Scan = 1;

    /// <summary>Mode bit: a leading <c>^</c> anchors the pattern (find, match, gsub; not gmatch).</summary>
    public const int Anchor = 2;

    /// <summary>Mode bit: with no captures, the whole match is the one capture (match, gmatch, gsub).</summary>
    public const int Whole = 4;

    /// <summary>
    /// match(s, p, pos, mode, last, budget): the first match starting at <c>pos</c> (0-based) or,
    /// with <see cref="Scan"/>, at or after it, whose end is not <c>last</c>. Returns start, end
    /// (0-based, end exclusive) and the captures; nil when there is none; false and a message on a
    /// malformed pattern; false, a message and true when the step budget ran out.
    /// </summary>
    public static int Match(LuaState state)
    {
        var s = state.StringBytes(1, out var ls);
        var p = state.StringBytes(2, out var lp);
        var pos = state.ToInteger(3);
        var mode = (int)state.ToInteger(4);
        var last = state.ToInteger(5);
        var budget = state.ToInteger(6);
        var pEnd = p + lp;
        var anchored = (mode & Anchor) != 0 && lp > 0 && *p == '^';
        if (anchored)
        {
            p++;
        }

        var matcher = new LuaPatternMatcher(s, ls, pEnd, budget);
        try
        {
            var start = s + pos;
            do
            {
                var end = matcher.MatchAt(start, p);
                if (end != null && end - s != last)
                {
                    state.PushInteger(start - s);
                    state.PushInteger(end - s);
                    return 2 + PushCaptures(state, matcher, s, start, end, (mode & Whole) != 0);
                }
            }
            while ((mode & Scan) != 0 && !anchored && start++ < s + ls);

            state.PushNil();
            return 1;
        }
        catch (PatternBudgetException)
        {
            state.PushBoolean(false);
            state.PushString("pattern needs more steps than allowed");
            state.PushBoolean(true);
            return 3;
        }
        catch (PatternException ex)
        {
            state.PushBoolean(false);
            state.PushString(ex.Message);
            return 2;
        }
    }

    /// <summary>room(p, budget, anchors): the longest subject on which Lua's own matcher stays within the budget whatever happens (see <see cref="PatternCost"/>).</summary>
    public static int Room(LuaState state)
    {
        var p = state.StringBytes(1, out var lp);
        state.PushInteger(PatternCost.Room(new ReadOnlySpan<byte>(p, (int)lp), state.ToInteger(2), state.ToBoolean(3)));
        return 1;
    }

    private static int PushCaptures(LuaState state, LuaPatternMatcher matcher, byte* s, byte* start, byte* end, bool whole)
    {
        var count = matcher.Level == 0 && whole ? 1 : matcher.Level;
        for (var i = 0; i < count; i++)
        {
            var (offset, length, isPosition) = matcher.Capture(i, start, end);
            if (isPosition)
            {
                state.PushInteger(offset + 1);
            }
            else
            {
                state.PushBytes(new ReadOnlySpan<byte>(s + offset, checked((int)length)));
            }
        }

        return count;
    }

}
