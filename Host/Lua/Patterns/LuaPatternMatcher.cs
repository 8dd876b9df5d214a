namespace PluginNet.Host.Lua.Patterns;

/// <summary>
/// Lua 5.4's pattern matcher (lstrlib.c's <c>match</c> and its helpers), step for step, with one
/// addition: every step counts against a budget, and past it the match stops with
/// <see cref="PatternBudgetException"/> instead of backtracking for hours. Works on the bytes Lua
/// holds (a Lua string always has a NUL after its last byte, which the C code relies on and so does
/// this port), so nothing is copied. Errors carry Lua's own words.
/// </summary>
internal unsafe sealed class LuaPatternMatcher
{
    private const int MaxCaptures = 32; // LUA_MAXCAPTURES
    private const int MaxDepth = 200; // MAXCCALLS
    private const long CapUnfinished = -1;
    private const long CapPosition = -2;
    private const byte Esc = (byte)'%';

    private readonly byte* _srcInit;
    private readonly byte* _srcEnd;
    private readonly byte* _pEnd;
    private readonly long[] _captureLen = new long[MaxCaptures];
    private readonly byte*[] _captureStart = new byte*[MaxCaptures];
    private long _stepsLeft;
    private int _depth = MaxDepth;

    public LuaPatternMatcher(byte* subject, long subjectLength, byte* patternEnd, long stepBudget)
    {
        _srcInit = subject;
        _srcEnd = subject + subjectLength;
        _pEnd = patternEnd;
        _stepsLeft = stepBudget;
    }

    /// <summary>Captures (finished or not) of the last match.</summary>
    public int Level { get; private set; }

    /// <summary>Steps still allowed.</summary>
    public long StepsLeft => _stepsLeft;

    /// <summary>Tries the pattern at <paramref name="s"/>; returns the end of the match or null.</summary>
    public byte* MatchAt(byte* s, byte* p)
    {
        Level = 0;
        return Match(s, p);
    }

    /// <summary>Capture <paramref name="i"/>: its start and length, or <see cref="CapPosition"/> as the length of a position capture.</summary>
    public (long Offset, long Length, bool IsPosition) Capture(int i, byte* s, byte* e)
    {
        if (i >= Level)
        {
            if (i != 0)
            {
                throw new PatternException($"invalid capture index %{i + 1}");
            }

            return (s - _srcInit, e - s, false);
        }

        var length = _captureLen[i];
        if (length == CapUnfinished)
        {
            throw new PatternException("unfinished capture");
        }

        return (_captureStart[i] - _srcInit, length == CapPosition ? 0 : length, length == CapPosition);
    }

    private void Step()
    {
        if (--_stepsLeft < 0)
        {
            throw new PatternBudgetException();
        }
    }

    private byte* Match(byte* s, byte* p)
    {
        if (_depth-- == 0)
        {
            throw new PatternException("pattern too complex");
        }

        while (true)
        {
            Step();
            if (p == _pEnd)
            {
                break;
            }

            switch (*p)
            {
                case (byte)'(':
                    s = p[1] == ')' ? StartCapture(s, p + 2, CapPosition) : StartCapture(s, p + 1, CapUnfinished);
                    goto done;
                case (byte)')':
                    s = EndCapture(s, p + 1);
                    goto done;
                case (byte)'$' when p + 1 == _pEnd:
                    s = s == _srcEnd ? s : null;
                    goto done;
                case Esc when p[1] == 'b':
                    s = MatchBalance(s, p + 2);
                    if (s == null)
                    {
                        goto done;
                    }

                    p += 4;
                    continue;
                case Esc when p[1] == 'f':
                    {
                        p += 2;
                        if (*p != '[')
                        {
                            throw new PatternException("missing '[' after '%f' in pattern");
                        }

                        var ep = ClassEnd(p);
                        var previous = s == _srcInit ? (byte)0 : s[-1];
                        if (!MatchBracketClass(previous, p, ep - 1) && MatchBracketClass(*s, p, ep - 1))
                        {
                            p = ep;
                            continue;
                        }

                        s = null;
                        goto done;
                    }

                case Esc when p[1] >= '0' && p[1] <= '9':
                    s = MatchCapture(s, p[1]);
                    if (s == null)
                    {
                        goto done;
                    }

                    p += 2;
                    continue;
                default:
                    {
                        var ep = ClassEnd(p);
                        if (!SingleMatch(s, p, ep))
                        {
                            if (*ep == '*' || *ep == '?' || *ep == '-')
                            {
                                p = ep + 1;
                                continue;
                            }

                            s = null;
                            goto done;
                        }

                        switch (*ep)
                        {
                            case (byte)'?':
                                var res = Match(s + 1, ep + 1);
                                if (res != null)
                                {
                                    s = res;
                                    goto done;
                                }

                                p = ep + 1;
                                continue;
                            case (byte)'+':
                                s = MaxExpand(s + 1, p, ep);
                                goto done;
                            case (byte)'*':
                                s = MaxExpand(s, p, ep);
                                goto done;
                            case (byte)'-':
                                s = MinExpand(s, p, ep);
                                goto done;
                            default:
                                s++;
                                p = ep;
                                continue;
                        }
                    }
            }
        }

    done:
        _depth++;
        return s;
    }

    private byte* ClassEnd(byte* p)
    {
        switch (*p++)
        {
            case Esc:
                if (p == _pEnd)
                {
                    throw new PatternException("malformed pattern (ends with '%')");
                }

                return p + 1;
            case (byte)'[':
                if (*p == '^')
                {
                    p++;
                }

                do
                {
                    if (p == _pEnd)
                    {
                        throw new PatternException("malformed pattern (missing ']')");
                    }

                    if (*p++ == Esc && p < _pEnd)
                    {
                        p++;
                    }
                }
                while (*p != ']');

                return p + 1;
            default:
                return p;
        }
    }

    private bool SingleMatch(byte* s, byte* p, byte* ep)
    {
        if (s >= _srcEnd)
        {
            return false;
        }

        int c = *s;
        return *p switch
        {
            (byte)'.' => true,
            Esc => CharClasses.MatchClass(c, p[1]),
            (byte)'[' => MatchBracketClass(c, p, ep - 1),
            _ => *p == c,
        };
    }

    private static bool MatchBracketClass(int c, byte* p, byte* ec)
    {
        var sig = true;
        if (p[1] == '^')
        {
            sig = false;
            p++;
        }

        while (++p < ec)
        {
            if (*p == Esc)
            {
                p++;
                if (CharClasses.MatchClass(c, *p))
                {
                    return sig;
                }
            }
            else if (p[1] == '-' && p + 2 < ec)
            {
                p += 2;
                if (p[-2] <= c && c <= *p)
                {
                    return sig;
                }
            }
            else if (*p == c)
            {
                return sig;
            }
        }

        return !sig;
    }

    private byte* MatchBalance(byte* s, byte* p)
    {
        if (p >= _pEnd - 1)
        {
            throw new PatternException("malformed pattern (missing arguments to '%b')");
        }

        if (*s != *p)
        {
            return null;
        }

        int b = *p, e = p[1], count = 1;
        while (++s < _srcEnd)
        {
            Step();
            if (*s == e)
            {
                if (--count == 0)
                {
                    return s + 1;
                }
            }
            else if (*s == b)
            {
                count++;
            }
        }

        return null;
    }

    private byte* MaxExpand(byte* s, byte* p, byte* ep)
    {
        long i = 0;
        while (SingleMatch(s + i, p, ep))
        {
            Step();
            i++;
        }

        while (i >= 0)
        {
            var res = Match(s + i, ep + 1);
            if (res != null)
            {
                return res;
            }

            i--;
        }

        return null;
    }

    private byte* MinExpand(byte* s, byte* p, byte* ep)
    {
        while (true)
        {
            var res = Match(s, ep + 1);
            if (res != null)
            {
                return res;
            }

            if (!SingleMatch(s, p, ep))
            {
                return null;
            }

            s++;
        }
    }

    private byte* StartCapture(byte* s, byte* p, long what)
    {
        var level = Level;
        if (level >= MaxCaptures)
        {
            throw new PatternException("too many captures");
        }

        _captureStart[level] = s;
        _captureLen[level] = what;
        Level = level + 1;
        var res = Match(s, p);
        if (res == null)
        {
            Level--;
        }

        return res;
    }

    private byte* EndCapture(byte* s, byte* p)
    {
        var l = CaptureToClose();
        _captureLen[l] = s - _captureStart[l];
        var res = Match(s, p);
        if (res == null)
        {
            _captureLen[l] = CapUnfinished;
        }

        return res;
    }

    private int CaptureToClose()
    {
        for (var level = Level - 1; level >= 0; level--)
        {
            if (_captureLen[level] == CapUnfinished)
            {
                return level;
            }
        }

        throw new PatternException("invalid pattern capture");
    }

    private byte* MatchCapture(byte* s, int l)
    {
        l -= '1';
        if (l < 0 || l >= Level || _captureLen[l] == CapUnfinished)
        {
            throw new PatternException($"invalid capture index %{l + 1}");
        }

        var length = _captureLen[l];
        if (length >= 0 && _srcEnd - s >= length && new ReadOnlySpan<byte>(_captureStart[l], (int)length).SequenceEqual(new ReadOnlySpan<byte>(s, (int)length)))
        {
            return s + length;
        }

        return null;
    }
}

/// <summary>A malformed pattern or a bad capture: Lua's own message.</summary>
internal sealed class PatternException(string message) : Exception(message);

/// <summary>The match ran out of its step budget.</summary>
internal sealed class PatternBudgetException() : Exception("pattern step budget exhausted");
