using PluginNet.TestSupport;

namespace PluginNet.WsServer.Tests.Http;

/// <summary>
/// A script in its own folder serving public/ at "/" and "/files", with files to serve and things
/// that must stay out of reach: a file beside public/, a dot file, symbolic links pointing out.
/// </summary>
internal sealed class StaticSite
{
    public const string Secret = "SECRET-OUTSIDE-THE-FOLDER";

    private const string Script = """
        local srv = net.ws_server:listen(0, {})
        srv:static("/files", "public")
        srv:static("/", "public")
        print("port=" .. srv.port .. " id=" .. srv.id)
        """;

    private StaticSite(string folder) => Folder = folder;

    public string Folder { get; }

    public string ScriptPath => Path.Combine(Folder, "server.lua");

    public byte[] Data { get; } = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();

    public static StaticSite Create(string script = Script)
    {
        var site = new StaticSite(LuaScripts.NewFolder());
        var root = site.Folder;
        var pub = Directory.CreateDirectory(Path.Combine(root, "public")).FullName;
        Directory.CreateDirectory(Path.Combine(pub, "sub"));
        File.WriteAllText(site.ScriptPath, script);
        File.WriteAllText(Path.Combine(root, "private.txt"), Secret);
        File.WriteAllText(Path.Combine(pub, "index.html"), "<h1>home</h1>");
        File.WriteAllText(Path.Combine(pub, "app.js"), "console.log('app');");
        File.WriteAllText(Path.Combine(pub, "sub", "index.html"), "<h1>sub</h1>");
        File.WriteAllText(Path.Combine(pub, ".secret"), Secret);
        File.WriteAllBytes(Path.Combine(pub, "data.bin"), site.Data);
        File.CreateSymbolicLink(Path.Combine(pub, "private-link.txt"), Path.Combine(root, "private.txt"));
        Directory.CreateSymbolicLink(Path.Combine(pub, "up"), root);
        Directory.CreateSymbolicLink(Path.Combine(pub, "out"), "/etc");
        File.CreateSymbolicLink(Path.Combine(pub, "inner-link.js"), "app.js");
        return site;
    }
}
