using LuaState = KeraLua.Lua;

namespace PluginNet.Host.Lua.Tasks;

/// <summary>
/// The <c>task</c> library: the scheduler and its helpers are Lua (tasks.lua, task_library.lua,
/// timer_heap.lua, inbox.lua); the host adds only <c>raw.post</c>, which queues a resume as a
/// dispatcher item of the script's own. So a resume is budgeted, guarded and ordered like any network
/// callback, and dropped once the script has unloaded (its scope has ended).
/// </summary>
/// <remarks>Installed before <c>net</c>, whose glue waits inside tasks. Menu thread.</remarks>
internal sealed class TasksModule : IScriptModule
{
    public void Install(ScriptRuntime script) => new Scheduler(script).Install();

    private sealed class Scheduler(ScriptRuntime script)
    {
        private int _deliverRef;

        public void Install()
        {
            script.PushUtil();
            script.RunGlue("timer_heap", 1, 0);
            script.PushRawTable(new() { ["post"] = Post });
            script.PushUtil();
            script.RunGlue("tasks", 2, 1);
            _deliverRef = script.Ref();
            foreach (var part in (string[])["task_library", "inbox"])
            {
                script.PushUtil();
                script.RunGlue(part, 1, 0);
            }
        }

        // raw.post(token): the glue's deliver(token) runs as a dispatcher item of this script.
        private int Post(LuaState state)
        {
            var token = state.ToInteger(1);
            script.Services.Dispatcher.Post(script.Scope, static (scheduler, _, number) => ((Scheduler)scheduler!).Deliver(number), this, null, token);
            return 0;
        }

        private void Deliver(long token)
        {
            if (script.IsDisposed)
            {
                return;
            }

            var state = script.State;
            var top = state.GetTop();
            script.PushRef(_deliverRef);
            state.PushInteger(token);
            script.CallProtected(1, top, "task");
        }
    }
}
