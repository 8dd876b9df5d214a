namespace PluginNet.Host.Engine;

/// <summary>
/// A module an embedding application adds to every script, such as a <c>game</c> or <c>gui</c> table.
/// </summary>
/// <remarks>
/// <see cref="Install"/> runs on the menu thread for each new script before the script's own code.
/// Functions registered here are called on the menu thread too, so they may touch the game directly.
/// </remarks>
public interface ILuaModule
{
    /// <summary>Adds the module's globals to one script's Lua state.</summary>
    void Install(LuaModuleContext script);
}

/// <summary>What a <see cref="ILuaModule"/> gets to install itself into one script.</summary>
/// <param name="ScriptPath">Absolute path of the script being loaded.</param>
/// <param name="Lua">The script's own NLua state (menu thread only; do not keep it past the script's unload).</param>
public sealed record LuaModuleContext(string ScriptPath, NLua.Lua Lua)
{
    /// <summary>Registers <paramref name="function"/> as a Lua function at <paramref name="path"/>, e.g. <c>gui.set</c>.</summary>
    /// <remarks>Creates the enclosing table when missing. The function receives Lua values converted by NLua.</remarks>
    public void RegisterFunction(string path, Delegate function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var dot = path.LastIndexOf('.');
        if (dot > 0 && Lua[path[..dot]] is null)
        {
            Lua.NewTable(path[..dot]);
        }

        Lua.RegisterFunction(path, function.Target, function.Method);
    }
}
