using System.Diagnostics;
using System.Reflection;
using System.Text;
using KeraLua;
using PluginNet.Core.Resources;
using PluginNet.Host.Lua.Memory;
using PluginNet.Host.Lua.Patterns;
using PluginNet.Host.Output;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua;

/// <summary>
/// One script: its own Lua state (NLua), the sandbox, the glue of every module and the script's
/// scope. Touched only on the menu thread.
/// </summary>
internal sealed class ScriptRuntime : IDisposable
{
    private static readonly Assembly GlueAssembly = typeof(ScriptRuntime).Assembly;

    // The C functions handed to Lua: kept alive here for as long as the state lives.
    private readonly List<LuaFunction> _pinned = [];
    private readonly NLua.Lua _lua;
    private readonly LuaMemoryLimit _memory;
    private int _tracebackRef;
    private int _utilRef;
    private int _fireRef;
    private readonly ErrorStorm _errors = new(TimeSpan.FromSeconds(5));
    private bool _disposed;
    private List<Action>? _atNextFrame;

    private static readonly long StartTimestamp = Stopwatch.GetTimestamp();

    public ScriptRuntime(string scriptPath, ScriptServices services)
    {
        ScriptPath = scriptPath;
        Services = services;
        Scope = new ScriptScope(scriptPath);
        _lua = new NLua.Lua();
        _lua.State.Encoding = Encoding.Latin1; // one char per byte: NLua conversions stay byte-exact
        _memory = new LuaMemoryLimit(services.MaxScriptMemoryBytes);
        _memory.Attach(_lua.State);
    }

    public string ScriptPath { get; }

    public ScriptScope Scope { get; }

    public ScriptServices Services { get; }

    public NLua.Lua Lua => _lua;

    public LuaState State => _lua.State;

    public bool IsDisposed => _disposed;

    /// <summary>The last error this script logged (a failed callback, a syntax error), for a LoadFailed observation.</summary>
    public string? LastError { get; private set; }

    /// <summary>The script's Lua memory limit (the allocator's counters).</summary>
    public LuaMemoryLimit Memory => _memory;

    /// <summary>Sandbox, shared helpers and the modules every script has. Throws <see cref="ScriptException"/> on a glue failure.</summary>
    public void InstallBaseModules(Func<LuaState, int> unload)
    {
        RunGlue("sandbox", 0, 3); // traceback, sethook, getinfo
        State.PushCopy(-3);
        _tracebackRef = State.Ref(LuaRegistry.Index);
        PushRawTable(new() { ["match"] = PatternFunctions.Match, ["room"] = PatternFunctions.Room });
        State.PushInteger(Services.MaxPatternSteps);
        State.PushInteger(Services.MaxPatternSteps);
        RunGlue("patterns", 3, 0);

        PushRawTable(new()
        {
            ["report_error"] = ReportErrorFromLua,
            ["now"] = state =>
            {
                state.PushNumber(Stopwatch.GetElapsedTime(StartTimestamp).TotalMilliseconds);
                return 1;
            },
            ["cpu"] = state =>
            {
                state.PushNumber(ThreadCpuClock.Milliseconds());
                return 1;
            },
        });
        State.Insert(-4); // raw, traceback, sethook, getinfo
        State.PushNumber(Services.CallbackTimeLimit.TotalMilliseconds);
        RunGlue("prelude", 5, 1);
        _utilRef = State.Ref(LuaRegistry.Index);
        foreach (var helpers in (string[])["options", "numbers", "handles", "http_retry"])
        {
            PushUtil(); // each adds its checks to util
            RunGlue(helpers, 1, 0);
        }

        PushUtil();
        PushRawTable(new() { ["is_utf8"] = IsUtf8 });
        RunGlue("text", 2, 0);

        PushRawTable(new() { ["unload"] = unload });
        PushRef(_utilRef);
        State.PushText(ScriptPath);
        RunGlue("events", 3, 1);
        _fireRef = State.Ref(LuaRegistry.Index);
    }

    /// <summary>Creates a table of raw functions, each guarded so no .NET exception reaches Lua, and leaves it on the stack.</summary>
    public void PushRawTable(Dictionary<string, Func<LuaState, int>> functions)
    {
        State.NewTable();
        foreach (var (name, body) in functions)
        {
            State.PushCFunction(Guard(name, body));
            State.SetField(-2, name);
        }
    }

    // raw.is_utf8(s) for text.lua: true when the string is valid UTF-8.
    private static int IsUtf8(LuaState state)
    {
        state.PushBoolean(state.IsUtf8(1));
        return 1;
    }

    /// <summary>Sets a raw function into the table at the top of the stack.</summary>
    public void SetRawFunction(string name, Func<LuaState, int> body)
    {
        State.PushCFunction(Guard(name, body));
        State.SetField(-2, name);
    }

    /// <summary>
    /// Runs the embedded glue chunk <paramref name="name"/>.lua with the <paramref name="argumentCount"/>
    /// values on top of the stack as its arguments, leaving <paramref name="resultCount"/> results.
    /// </summary>
    public void RunGlue(string name, int argumentCount, int resultCount)
    {
        using var stream = GlueAssembly.GetManifestResourceStream($"PluginNet.Glue.{name}.lua")
            ?? throw new InvalidOperationException($"glue '{name}.lua' is not embedded in the host");
        var chunk = new byte[stream.Length];
        stream.ReadExactly(chunk);
        if (State.LoadBuffer(chunk, $"=[pluginnet {name}]", "t") != LuaStatus.OK)
        {
            throw new ScriptException($"glue '{name}' does not compile: {PopMessage()}");
        }

        State.Insert(-(argumentCount + 1));
        if (State.PCall(argumentCount, resultCount, 0) != LuaStatus.OK)
        {
            throw new ScriptException($"glue '{name}' failed: {PopMessage()}");
        }
    }

    /// <summary>
    /// Installs one part of <c>net</c> (e.g. <c>net.http</c>): runs the glue chunk
    /// <paramref name="key"/>.lua with (raw functions, util, extra arguments...), sets the table it
    /// returns as <c>net.key</c> and returns a reference to its second result, the deliver function
    /// the host calls on the menu thread.
    /// </summary>
    public int InstallNetPart(string key, Dictionary<string, Func<LuaState, int>> raw, params long[] extraArguments)
    {
        State.GetGlobal("net");
        PushRawTable(raw);
        PushUtil();
        foreach (var argument in extraArguments)
        {
            State.PushInteger(argument);
        }

        RunGlue(key, 2 + extraArguments.Length, 2);
        var deliver = Ref();
        State.SetField(-2, key);
        State.Pop(1);
        return deliver;
    }

    /// <summary>Pushes the shared helper table (util) the glue chunks take as their second argument.</summary>
    public void PushUtil() => PushRef(_utilRef);

    /// <summary>Loads and runs the script file itself. Returns false (and logs) on a syntax or runtime error.</summary>
    public bool RunScriptFile()
    {
        byte[] chunk;
        try
        {
            chunk = ScriptSource.Prepare(File.ReadAllBytes(ScriptPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LastError = $"cannot read {ScriptPath}: {ex.Message}";
            Services.Output.Log(LogLevel.Error, Scope.Name, LastError);
            return false;
        }

        var top = State.GetTop();
        PushRef(_utilRef);
        State.GetField(-1, "call");
        State.PushText("loading the script");
        if (State.LoadBuffer(chunk, "@" + ScriptPath, "t") != LuaStatus.OK)
        {
            LastError = $"syntax error: {PopMessage()}";
            Services.Output.Log(LogLevel.Error, Scope.Name, LastError);
            State.SetTop(top);
            return false;
        }

        // util.call runs the chunk under the runaway guard and reports an error with its traceback.
        var ran = PCallLimited(2, 1, "loading the script") == LuaStatus.OK && State.ToBoolean(-1);
        State.SetTop(top);
        return ran;
    }

    /// <summary>Fires an event to this script's handlers; <paramref name="pushArgument"/> pushes its one argument.</summary>
    public void Fire(string eventName, Action<LuaState> pushArgument)
    {
        var top = State.GetTop();
        PushRef(_fireRef);
        State.PushText(eventName);
        pushArgument(State);
        CallProtected(2, top, eventName);
    }

    /// <summary>Stores the value at the top of the stack in the registry and returns its reference.</summary>
    public int Ref() => State.Ref(LuaRegistry.Index);

    /// <summary>Pushes a value stored with <see cref="Ref"/>.</summary>
    public void PushRef(int reference) => State.RawGetInteger(LuaRegistry.Index, reference);

    /// <summary>
    /// Calls the function pushed at <paramref name="top"/>+1 with the arguments above it. Glue
    /// functions catch script errors themselves; a failure here is reported, never thrown.
    /// </summary>
    public void CallProtected(int argumentCount, int top, string where)
    {
        if (PCallLimited(argumentCount, 0, where) != LuaStatus.OK)
        {
            ReportError(where, PopMessage());
        }

        State.SetTop(top);
    }

    /// <summary>
    /// Logs a failed callback with the script's name; the message carries file:line and traceback.
    /// The same error again within the storm window is counted instead of logged (see <see cref="ErrorStorm"/>).
    /// </summary>
    public void ReportError(string where, string message)
    {
        var text = $"error in {where}: {message}";
        LastError = text;
        if (_errors.ShouldLog(text, DateTime.UtcNow))
        {
            Services.Output.Log(LogLevel.Error, Scope.Name, text);

            // The observer hears what the log shows (a storm's repeats are counted there, not sent).
            if (Services.Observer is { } observer)
            {
                observer.OnScript(ErrorObservation(text));
            }
        }
    }

    /// <summary>Lua's traceback follows the message after "stack traceback:"; observations keep them apart.</summary>
    public static (string Message, string? Traceback) SplitTraceback(string text)
    {
        var cut = text.IndexOf("\nstack traceback:", StringComparison.Ordinal);
        return cut < 0 ? (text, null) : (text[..cut], text[(cut + 1)..]);
    }

    private PluginNet.Core.Observation.ScriptObservation ErrorObservation(string text)
    {
        var (message, traceback) = SplitTraceback(text);
        return new(Scope.Name, PluginNet.Core.Observation.ScriptObservationKind.Error, DateTimeOffset.UtcNow)
        {
            Message = message,
            Traceback = traceback,
        };
    }

    /// <summary>Runs <paramref name="work"/> once, when the next frame fires (e.g. to deliver at most once per frame). Menu thread.</summary>
    public void AtNextFrame(Action work) => (_atNextFrame ??= []).Add(work);

    /// <summary>A frame fired: runs the work that waited for it. Called by the engine once per frame.</summary>
    public void RunFrameWork()
    {
        var waiting = _atNextFrame;
        _atNextFrame = null;
        if (waiting is null || _disposed)
        {
            return;
        }

        foreach (var work in waiting)
        {
            work();
        }
    }

    /// <summary>Logs how often suppressed errors repeated. Called once per frame.</summary>
    public void FlushErrorSummaries()
    {
        foreach (var summary in _errors.TakeSummaries(DateTime.UtcNow, force: _disposed))
        {
            Services.Output.Log(LogLevel.Error, Scope.Name, summary);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        FlushErrorSummaries();
        _lua.Dispose();
        _memory.Dispose(); // after the state: closing it frees through the allocator
        _pinned.Clear();
    }

    private int ReportErrorFromLua(LuaState state)
    {
        ReportError(state.ToText(1) ?? "callback", state.ToText(2) ?? "(no message)");
        return 0;
    }

    // Script code runs with the memory limit enforced; a failed allocation there is a Lua error the
    // protected call catches. The host's own pushes outside it must never fail.
    private LuaStatus PCallLimited(int argumentCount, int resultCount, string where)
    {
        var was = _memory.Enforce(true);
        Services.Watch?.Enter(ScriptPath, where);
        try
        {
            return State.PCall(argumentCount, resultCount, 0);
        }
        finally
        {
            Services.Watch?.Leave();
            _memory.Enforce(was);
        }
    }

    private LuaFunction Guard(string name, Func<LuaState, int> body)
    {
        LuaFunction function = pointer =>
        {
            var state = LuaState.FromIntPtr(pointer);
            // A raw function's pushes are the host's: an allocation failure here would unwind
            // through .NET frames, so the limit is lifted while it runs.
            var enforced = _memory.Enforce(false);
            try
            {
                return body(state);
            }
#pragma warning disable CA1031 // An exception must never unwind into native Lua; it becomes a Lua failure value.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return state.ReturnError($"internal error in {name}: {ex.Message}");
            }
            finally
            {
                _memory.Enforce(enforced);
            }
        };
        _pinned.Add(function);
        return function;
    }

    private string PopMessage()
    {
        var message = State.ToText(-1) ?? State.TypeName(State.Type(-1));
        State.Pop(1);
        return message;
    }
}

/// <summary>A script or its glue could not be set up.</summary>
internal sealed class ScriptException(string message) : Exception(message);
