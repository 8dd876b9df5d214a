using PluginNet.Host.Lua;
using PluginNet.Host.Lua.Files;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Engine;

/// <summary>
/// (Engine layer: it reads the permissions of plugins.json.) Confines a script's <c>io</c> and <c>os</c> to its own folder, its data folder and the download
/// folder (unless plugins.json trusts it with <c>"files": "all"</c>), sets <c>script.data_dir</c>, and
/// lets <c>os.getenv</c> read only the variables its <c>env</c> permission lists.
/// </summary>
/// <param name="permissions">The script permissions from plugins.json, read when a script loads.</param>
/// <param name="dataDirectory">The folder holding one data folder per script.</param>
/// <param name="downloadDirectory">The download folder (<c>save_to_file</c>).</param>
internal sealed class FilesModule(Func<NetPermissions> permissions, string dataDirectory, string downloadDirectory) : IScriptModule
{
    public void Install(ScriptRuntime script)
    {
        var rules = permissions().For(script.ScriptPath);
        var folders = ScriptFolders.For(script.ScriptPath, dataDirectory, downloadDirectory);
        script.PushRawTable(new()
        {
            ["resolve"] = state =>
            {
                var real = folders.Resolve(state.ToText(1) ?? string.Empty, out var refusal);
                if (real is null)
                {
                    return state.ReturnError(refusal);
                }

                state.PushText(real);
                return 1;
            },
            ["getenv"] = state =>
            {
                var name = state.ToText(1) ?? string.Empty;
                if (PermissionRule.Env.Allows(rules, name) && Environment.GetEnvironmentVariable(name) is { } value)
                {
                    state.PushText(value);
                }
                else
                {
                    state.PushNil();
                }

                return 1;
            },
            ["tmpname"] = state =>
            {
                Directory.CreateDirectory(folders.DataFolder);
                state.PushText(Path.Combine(folders.DataFolder, $"tmp-{Guid.NewGuid():N}"));
                return 1;
            },
        });
        script.PushUtil();
        script.State.PushBoolean(PermissionRule.Files.AllowsAll(rules));
        script.State.PushText(folders.DataFolder);
        script.State.PushText(folders.ScriptFolder);
        script.RunGlue("files", 5, 0);
    }
}
