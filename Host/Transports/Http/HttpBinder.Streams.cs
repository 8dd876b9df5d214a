using PluginNet.Host.Lua;
using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Transports;

// What reaches the script before the response: the request handle, progress, pieces of the body and events.
internal sealed partial class HttpBinder
{
    private sealed partial class Binding : IHttpScriptSink
    {
        private int _handleMetaRef;

        public void AtNextFrame(Action work) => Script.AtNextFrame(work);

        public void DeliverProgress(long id, int what, long done, long total)
        {
            if (BeginDelivery(out var state, out var top))
            {
                state.PushInteger(what);
                state.PushInteger(id);
                state.PushInteger(done);
                state.PushInteger(total);
                EndDelivery(4, top);
            }
        }

        public void DeliverChunk(long id, ReadOnlySpan<byte> chunk)
        {
            if (BeginDelivery(out var state, out var top))
            {
                state.PushInteger(3);
                state.PushInteger(id);
                state.PushBytes(chunk);
                EndDelivery(3, top);
            }
        }

        public void DeliverEvent(long id, string eventType, string data, string? eventId)
        {
            if (BeginDelivery(out var state, out var top))
            {
                state.PushInteger(4);
                state.PushInteger(id);
                state.PushText(eventType);
                state.PushText(data);
                if (eventId is null)
                {
                    state.PushNil();
                }
                else
                {
                    state.PushText(eventId);
                }

                EndDelivery(5, top);
            }
        }

        // raw.set_handle_meta(meta): the glue gives the request handles' metatable once, at install.
        private int SetHandleMeta(LuaState state)
        {
            state.PushCopy(1);
            _handleMetaRef = state.Ref(KeraLua.LuaRegistry.Index);
            return 0;
        }

        // A request handle: an empty userdata with the glue's metatable (its record lives in the glue).
        // Pushed onto `state`, the thread that called (a task's coroutine, say), never the main thread's
        // stack, which a running coroutine must not touch.
        private void PushHandle(LuaState state)
        {
            state.NewUserData(0);
            state.RawGetInteger(KeraLua.LuaRegistry.Index, _handleMetaRef);
            state.SetMetaTable(-2);
        }
    }
}
