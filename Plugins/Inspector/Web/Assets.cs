namespace PluginNet.Plugins.Inspector.Web;

/// <summary>The page's files, embedded in the assembly (Web/Assets/): read once, served from memory.</summary>
internal static class Assets
{
    private static readonly Dictionary<string, (string ContentType, byte[] Bytes)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = Load("index.html", "text/html; charset=utf-8"),
        ["/inspector.css"] = Load("inspector.css", "text/css; charset=utf-8"),
        ["/inspector.js"] = Load("inspector.js", "text/javascript; charset=utf-8"),
    };

    public static (string ContentType, byte[] Bytes)? Find(string path) => Files.TryGetValue(path, out var file) ? file : null;

    private static (string, byte[]) Load(string name, string contentType)
    {
        using var stream = typeof(Assets).Assembly.GetManifestResourceStream("Inspector." + name)
            ?? throw new InvalidOperationException($"the inspector's {name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return (contentType, copy.ToArray());
    }
}
