using System.Text.RegularExpressions;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>Host's folders are layers (docs/ARCHITECTURE.md): each imports only the layers below it.</summary>
public partial class LayeringTests
{
    // Bottom to top. A layer may use any layer before it in this list, never one after it.
    private static readonly string[] Layers = ["Output", "Lua", "Transports", "Plugins", "Engine", "Cli"];

    [Fact]
    public void HostFolders_ImportOnlyLayersBelowThem()
    {
        var host = Path.Combine(RepoPaths.Root, "Host");
        var upward = new List<string>();
        foreach (var file in Directory.EnumerateFiles(host, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
        {
            var relative = Path.GetRelativePath(host, file);
            var layer = Array.IndexOf(Layers, relative.Split(Path.DirectorySeparatorChar)[0]);
            if (layer < 0)
            {
                continue; // Program.cs: the entry point sits above every layer
            }

            foreach (Match import in HostImport().Matches(File.ReadAllText(file)))
            {
                var used = Array.IndexOf(Layers, import.Groups[1].Value);
                if (used > layer)
                {
                    upward.Add($"{relative} uses {import.Groups[1].Value}");
                }
            }
        }

        Assert.Empty(upward);
    }

    [GeneratedRegex(@"^using PluginNet\.Host\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex HostImport();
}
