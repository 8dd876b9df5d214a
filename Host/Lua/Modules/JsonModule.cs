namespace PluginNet.Host.Lua.Modules;

/// <summary><c>json.encode</c> / <c>json.decode</c>, converting straight between Lua values and UTF-8 JSON.</summary>
internal sealed class JsonModule : IScriptModule
{
    public void Install(ScriptRuntime script)
    {
        script.PushRawTable(new()
        {
            ["encode"] = LuaJson.Encode,
            ["decode"] = LuaJson.Decode,
        });
        script.PushUtil();
        script.RunGlue("json", 2, 0);
    }
}
