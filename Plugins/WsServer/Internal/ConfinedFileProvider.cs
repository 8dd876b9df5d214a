using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Primitives;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>
/// The files of one static folder: ASP.NET Core's <see cref="PhysicalFileProvider"/> (which refuses
/// paths climbing above its root and hides dot files), plus the check it lacks: a file or folder
/// reached through a symbolic link must still lie inside the folder, so a link pointing out serves nothing.
/// </summary>
internal sealed class ConfinedFileProvider : IFileProvider, IDisposable
{
    private readonly PhysicalFileProvider _files;
    private readonly string _root;

    public ConfinedFileProvider(string folder)
    {
        _files = new PhysicalFileProvider(folder, ExclusionFilters.Sensitive);
        _root = RealPath.Resolve(folder) ?? throw new ArgumentException("the folder's path cannot be resolved", nameof(folder));
    }

    public IFileInfo GetFileInfo(string subpath)
    {
        var file = _files.GetFileInfo(subpath);
        return !file.Exists || IsConfined(file.PhysicalPath) ? file : new NotFoundFileInfo(subpath);
    }

    public IDirectoryContents GetDirectoryContents(string subpath)
    {
        var contents = _files.GetDirectoryContents(subpath);
        var path = Path.Join(_files.Root, subpath.TrimStart('/', '\\'));
        return !contents.Exists || IsConfined(path) ? contents : NotFoundDirectoryContents.Singleton;
    }

    /// <summary>Static files are served as they are on disk when asked for; nothing watches them.</summary>
    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    public void Dispose() => _files.Dispose();

    private bool IsConfined(string? path) => path is not null && RealPath.Resolve(path) is { } real && RealPath.IsInside(real, _root);
}
