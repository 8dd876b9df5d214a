namespace PluginNet.Host.Lua;

/// <summary>A part of what every script sees (print and log, json, net.http, ...), installed into each new Lua state.</summary>
internal interface IScriptModule
{
    /// <summary>Installs the module into <paramref name="script"/>'s state. Menu thread.</summary>
    void Install(ScriptRuntime script);
}
