namespace PluginNet.Host.Transports;

/// <summary>A path with every symbolic link along it followed, like POSIX <c>realpath</c>.</summary>
/// <remarks>The WsServer plugin has its own copy for the files it serves: plugins and the host share only Core.</remarks>
internal static class LinkFreePath
{
    private const int MaxLinks = 40;

    /// <summary>The resolved absolute path, or null for a link loop or an unreadable link.</summary>
    public static string? Resolve(string path)
    {
        var pending = new Stack<string>();
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        PushParts(pending, full);
        var links = 0;
        while (pending.TryPop(out var part))
        {
            var next = Path.Combine(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            // The link's target replaces it; a relative target counts from the link's folder.
            var resolved = Path.GetFullPath(target, current);
            current = Path.GetPathRoot(resolved)!;
            PushParts(pending, resolved);
        }

        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or lies under it (both resolved).</summary>
    public static bool IsInside(string path, string root)
    {
        var folder = Path.TrimEndingDirectorySeparator(root);
        return path.Equals(folder, StringComparison.Ordinal)
            || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    // Pushes the parts after the root so that the first part is popped first.
    private static void PushParts(Stack<string> pending, string full)
    {
        var parts = full[Path.GetPathRoot(full)!.Length..].Split(
            [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
