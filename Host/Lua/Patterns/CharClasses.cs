namespace PluginNet.Host.Lua.Patterns;

/// <summary>The pattern classes (<c>%a %c %d %g %l %p %s %u %w %x</c>) as the C locale defines them, Lua's default.</summary>
internal static class CharClasses
{
    /// <summary>lstrlib.c's <c>match_class</c>: a lower-case class letter matches its class, an upper-case one the complement; any other byte matches itself.</summary>
    public static bool MatchClass(int c, int cl)
    {
        bool res;
        switch (cl | 0x20)
        {
            case 'a': res = IsAlpha(c); break;
            case 'c': res = c < 32 || c == 127; break;
            case 'd': res = IsDigit(c); break;
            case 'g': res = c > 32 && c < 127; break;
            case 'l': res = c >= 'a' && c <= 'z'; break;
            case 'p': res = c > 32 && c < 127 && !IsAlpha(c) && !IsDigit(c); break;
            case 's': res = c == ' ' || (c >= '\t' && c <= '\r'); break;
            case 'u': res = c >= 'A' && c <= 'Z'; break;
            case 'w': res = IsAlpha(c) || IsDigit(c); break;
            case 'x': res = IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); break;
            case 'z': res = c == 0; break;
            default: return cl == c;
        }

        // Only letters reach here; tolower in C maps just A-Z, so '|0x20' is exact for them.
        return cl >= 'a' && cl <= 'z' ? res : !res;
    }

    private static bool IsAlpha(int c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    private static bool IsDigit(int c) => c >= '0' && c <= '9';
}
