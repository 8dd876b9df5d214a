namespace PluginNet.Host.Lua.Net;

/// <summary>The <c>net</c> table itself; its parts (net.http, net.ws, net.ws_server) install after it.</summary>
internal sealed class NetModule : IScriptModule
{
    public void Install(ScriptRuntime script) => script.RunGlue("net", 0, 0);
}
