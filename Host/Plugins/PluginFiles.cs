using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace PluginNet.Host.Plugins;

/// <summary>
/// Tells whether the assemblies in a plugin's folder are complete files, so a reload never loads a
/// file that a copy or a build is still writing.
/// </summary>
internal static class PluginFiles
{
    /// <summary>
    /// The first <c>.dll</c> in the folder of <paramref name="mainAssemblyPath"/> (the plugin and its
    /// dependencies) that is not a complete assembly image, with what is wrong; null when all are complete.
    /// </summary>
    public static string? FindIncomplete(string mainAssemblyPath)
    {
        var folder = Path.GetDirectoryName(mainAssemblyPath)!;
        IEnumerable<string> files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.dll") : [];
        foreach (var file in files.Prepend(mainAssemblyPath).Distinct(StringComparer.Ordinal))
        {
            if (Problem(file) is { } problem)
            {
                return $"{Path.GetFileName(file)} {problem}";
            }
        }

        return null;
    }

    private static string? Problem(string file)
    {
        byte[] bytes;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({ex.Message})";
        }

        try
        {
            using var reader = new PEReader(new MemoryStream(bytes, writable: false));
            var headers = reader.PEHeaders;
            foreach (var section in headers.SectionHeaders)
            {
                if ((long)section.PointerToRawData + section.SizeOfRawData > bytes.Length)
                {
                    return $"is cut short ({bytes.Length} bytes; its section {section.Name} ends at byte {(long)section.PointerToRawData + section.SizeOfRawData})";
                }
            }

            if (reader.HasMetadata)
            {
                _ = reader.GetMetadataReader(); // throws when the metadata is cut short or lies outside the file
            }

            return null;
        }
        catch (BadImageFormatException)
        {
            return $"is not a complete assembly ({bytes.Length} bytes)";
        }
    }
}
