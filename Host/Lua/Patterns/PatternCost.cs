namespace PluginNet.Host.Lua.Patterns;

/// <summary>
/// A bound on the work Lua's matcher can do, read from the pattern alone. Lua patterns have no
/// nested repetition: each variable-length item (<c>* + -</c>, <c>%b</c>, a back-reference
/// <c>%1</c>) can try at most n+1 lengths for each way the items before it matched, each <c>?</c>
/// two, and find/gmatch/gsub try up to n+1 starts; so one call costs at most
/// (n+1)^(v+1) · 2^q · (m+1) steps ((n+1)^v · 2^q · (m+1) when a leading <c>^</c> anchors it) for a subject of n bytes, a pattern of m bytes with v
/// variable-length items and q optional ones. Below the budget the native functions run as they
/// are; above it the guarded matcher does, counting its steps.
/// </summary>
internal static class PatternCost
{
    /// <summary>
    /// The longest subject for which the bound stays within <paramref name="budget"/>; -1 when none
    /// does (or the pattern is malformed: the guarded path reports it in Lua's words). With
    /// <paramref name="anchors"/> (find, match, gsub) a leading <c>^</c> means one start only.
    /// </summary>
    public static long Room(ReadOnlySpan<byte> p, long budget, bool anchors)
    {
        var starts = anchors && p.Length > 0 && p[0] == '^' ? 0 : 1;
        if (!Count(p, out var variable, out var optional))
        {
            return -1;
        }

        if (variable == 0 && optional == 0)
        {
            return long.MaxValue / 2; // linear in the subject: never a runaway
        }

        var perStart = Math.Pow(2, optional) * (p.Length + 1);
        if (perStart > budget)
        {
            return -1;
        }

        if (variable + starts == 0)
        {
            return long.MaxValue / 2; // one start, no repetition: at most 2^q tries of a pattern
        }

        var room = Math.Floor(Math.Pow(budget / perStart, 1.0 / (variable + starts))) - 1;
        return room >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)room;
    }

    private static bool Count(ReadOnlySpan<byte> p, out int variable, out int optional)
    {
        variable = 0;
        optional = 0;
        var i = p.Length > 0 && p[0] == '^' ? 1 : 0;
        while (i < p.Length)
        {
            var c = p[i];
            if (c == '(' || c == ')')
            {
                i++;
                continue;
            }

            if (c == '%' && i + 1 < p.Length)
            {
                var next = p[i + 1];
                if (next == 'b')
                {
                    variable++;
                    i += 4;
                    continue;
                }

                if (next == 'f')
                {
                    i += 2;
                    if (i >= p.Length || p[i] != '[' || !SetEnd(p, ref i))
                    {
                        return false;
                    }

                    continue;
                }

                if (next >= '0' && next <= '9')
                {
                    variable++;
                    i += 2;
                    continue;
                }
            }

            if (!ItemEnd(p, ref i))
            {
                return false;
            }

            if (i < p.Length)
            {
                switch (p[i])
                {
                    case (byte)'*' or (byte)'+' or (byte)'-':
                        variable++;
                        i++;
                        break;
                    case (byte)'?':
                        optional++;
                        i++;
                        break;
                }
            }
        }

        return true;
    }

    // One single-character class (lstrlib's classend): moves i past it.
    private static bool ItemEnd(ReadOnlySpan<byte> p, ref int i)
    {
        switch (p[i])
        {
            case (byte)'%':
                if (i + 1 >= p.Length)
                {
                    return false;
                }

                i += 2;
                return true;
            case (byte)'[':
                return SetEnd(p, ref i);
            default:
                i++;
                return true;
        }
    }

    private static bool SetEnd(ReadOnlySpan<byte> p, ref int i)
    {
        i++;
        if (i < p.Length && p[i] == '^')
        {
            i++;
        }

        do
        {
            if (i >= p.Length)
            {
                return false;
            }

            if (p[i++] == '%' && i < p.Length)
            {
                i++;
            }
        }
        while (i >= p.Length || p[i] != ']');

        i++;
        return true;
    }
}
