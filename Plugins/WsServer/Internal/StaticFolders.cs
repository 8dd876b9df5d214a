using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>
/// A server's static folders, tried in the order added: each is ASP.NET Core's own
/// <see cref="DefaultFilesMiddleware"/> (index.html for a folder) in front of its
/// <see cref="StaticFileMiddleware"/> (content types, ETag/If-None-Match → 304, Range → 206).
/// </summary>
internal sealed class StaticFolders : IDisposable
{
    private static readonly object NotServed = new();
    private readonly Lock _gate = new();
    private Mount[] _mounts = [];

    /// <exception cref="ArgumentException">The prefix is not a path, or the folder is not an existing absolute folder.</exception>
    public void Add(string prefix, string folder, IWebHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(folder);
        if (PrefixProblem(prefix) is { } problem)
        {
            throw new ArgumentException(problem, nameof(prefix));
        }

        if (!Path.IsPathFullyQualified(folder) || !Directory.Exists(folder))
        {
            throw new ArgumentException("a static folder must be an existing folder given by its absolute path", nameof(folder));
        }

        var mount = new Mount(prefix.TrimEnd('/'), folder, environment);
        lock (_gate)
        {
            _mounts = [.. _mounts, mount];
        }
    }

    /// <summary>Serves the request from the first folder that has the file; false when none has.</summary>
    public async Task<bool> TryServeAsync(HttpContext context)
    {
        foreach (var mount in Volatile.Read(ref _mounts))
        {
            if (await mount.TryServeAsync(context).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why <paramref name="prefix"/> is not a static prefix, or null when it is one.</summary>
    public static string? PrefixProblem(string prefix) =>
        !prefix.StartsWith('/') ? "a static prefix must start with \"/\""
        : prefix.Any(c => c is '?' or '#' or '*' or '%' or '\\' || char.IsControl(c) || char.IsWhiteSpace(c))
            ? "a static prefix may not contain '?', '#', '*', '%', '\\', spaces or control characters"
        : prefix.Split('/').Any(part => part is "." or "..") ? "a static prefix may not contain \".\" or \"..\" segments"
        : null;

    public void Dispose()
    {
        foreach (var mount in Volatile.Read(ref _mounts))
        {
            mount.Dispose();
        }
    }

    private sealed class Mount : IDisposable
    {
        private readonly ConfinedFileProvider _files;
        private readonly RequestDelegate _serve;

        public Mount(string prefix, string folder, IWebHostEnvironment environment)
        {
            _files = new ConfinedFileProvider(folder);
            var files = new StaticFileMiddleware(
                static context =>
                {
                    context.Items[NotServed] = NotServed;
                    return Task.CompletedTask;
                },
                environment,
                Options.Create(new StaticFileOptions
                {
                    FileProvider = _files,
                    RequestPath = prefix,
                    ServeUnknownFileTypes = true,
                    DefaultContentType = "application/octet-stream",
                }),
                NullLoggerFactory.Instance);
            var index = new DefaultFilesMiddleware(
                files.Invoke,
                environment,
                Options.Create(new DefaultFilesOptions { FileProvider = _files, RequestPath = prefix }));
            _serve = index.Invoke;
        }

        public async Task<bool> TryServeAsync(HttpContext context)
        {
            var path = context.Request.Path;
            context.Items.Remove(NotServed);
            await _serve(context).ConfigureAwait(false);
            if (!context.Items.ContainsKey(NotServed))
            {
                return true;
            }

            // DefaultFiles may have pointed the path at an index.html this folder does not have.
            context.Request.Path = path;
            return false;
        }

        public void Dispose() => _files.Dispose();
    }
}
