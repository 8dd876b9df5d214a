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
internal sealed partial class ScriptRuntime : IDisposable
{
    private static readonly Assembly GlueAssembly = typeof(ScriptRuntime).Assembly;

    // The C functions handed to Lua: kept alive here for as long as the state lives.
    private readonly NLua.Lua _lua;
    private readonly LuaMemoryLimit _memory;
    private int _tracebackRef;
    private int _utilRef;
    private int _fireRef;
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

    // raw.is_utf8(s) for text.lua: true when the string is valid UTF-8.
    private static int IsUtf8(LuaState state)
    {
        state.PushBoolean(state.IsUtf8(1));
        return 1;
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

}

/// <summary>A script or its glue could not be set up.</summary>
internal sealed class ScriptException(string message) : Exception(message);
