using KeraLua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua;

// The crossings between Lua and .NET: raw functions that never let a .NET exception unwind into
// Lua, and protected calls into script code with the memory limit on and the menu-thread watch told.
internal sealed partial class ScriptRuntime
{
    // The delegates handed to Lua as C functions: kept alive as long as the state.
    private readonly List<LuaFunction> _pinned = [];

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

    /// <summary>Sets a raw function into the table at the top of the stack.</summary>
    public void SetRawFunction(string name, Func<LuaState, int> body)
    {
        State.PushCFunction(Guard(name, body));
        State.SetField(-2, name);
    }

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
}
