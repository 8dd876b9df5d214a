using PluginNet.Host.Output;

namespace PluginNet.Host.Lua.Modules;

/// <summary><c>print</c> and <c>log.*</c>, routed to the engine's <see cref="IScriptOutput"/>.</summary>
internal sealed class OutputModule : IScriptModule
{
    public void Install(ScriptRuntime script)
    {
        var output = script.Services.Output;
        var name = script.Scope.Name;
        script.PushRawTable(new()
        {
            ["print"] = state =>
            {
                output.Print(name, state.ToText(1) ?? string.Empty);
                return 0;
            },
            ["log"] = state =>
            {
                var level = (LogLevel)Math.Clamp(state.ToInteger(1), 0, 2);
                output.Log(level, name, state.ToText(2) ?? string.Empty);
                return 0;
            },
        });
        script.RunGlue("output", 1, 0);
    }
}
