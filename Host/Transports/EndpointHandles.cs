using PluginNet.Host.Lua;
using PluginNet.Host.Output;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// The host side of the handles a script gets for what it listens on (WsServer, UdpSocket; the glue
/// half is <c>util.endpoint_handle</c>): keeps the metatable the glue hands over, pushes a new handle
/// with its id and port, and answers a refused listen or bind with nil and the reason, logged.
/// </summary>
/// <remarks>Menu thread.</remarks>
internal sealed class EndpointHandles(ScriptRuntime script, string call)
{
    private int _metaRef;

    /// <summary>raw.set_handle_meta(meta): the glue gives the handles' metatable once, at install.</summary>
    public int SetMeta(LuaState state)
    {
        state.PushCopy(1);
        _metaRef = state.Ref(KeraLua.LuaRegistry.Index);
        return 0;
    }

    /// <summary>Returns (handle, id, port) to the glue.</summary>
    public int Push(LuaState state, long id, int port)
    {
        // Onto `state`, the thread that called (a task's coroutine, say), never the main thread's
        // stack: pushing there while a coroutine runs corrupted the state and crashed the host.
        state.NewUserData(0);
        state.RawGetInteger(KeraLua.LuaRegistry.Index, _metaRef);
        state.SetMetaTable(-2);
        state.PushInteger(id);
        state.PushInteger(port);
        return 3;
    }

    /// <summary>Returns (nil, nil, "CALL(port) failed: reason") to the glue and logs it as a warning.</summary>
    public int Refuse(LuaState state, int port, string reason)
    {
        var message = $"{call}({port}) failed: {reason}";
        script.Services.Output.Log(LogLevel.Warn, script.Scope.Name, message);
        state.PushNil();
        state.PushNil();
        state.PushText(message);
        return 3;
    }
}
