using PluginNet.Host.Lua;

namespace PluginNet.Host.Transports;

/// <summary>The <c>net</c> table itself; its parts (net.http, net.ws, net.ws_server) install after it.</summary>
internal sealed class NetModule : IScriptModule
{
    public void Install(ScriptRuntime script)
    {
        script.State.PushText(TransportKind.KeyList("and"));
        script.RunGlue("net", 1, 0);
    }
}
