namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// The local side of <c>save_to_file</c>: the folder, the temporary file and the final move. A failure
/// here is the disk's or the folder's, never the connection's, and says so in
/// <see cref="DownloadFileException"/>.
/// </summary>
internal sealed class DownloadFile : IAsyncDisposable
{
    private const int BufferBytes = 81920;

    private readonly string _target;
    private readonly string _partial;
    private readonly FileStream _file;

    private DownloadFile(string target, string partial, FileStream file)
    {
        _target = target;
        _partial = partial;
        _file = file;
    }

    /// <summary>Creates the folder and a temporary file beside <paramref name="target"/>.</summary>
    public static DownloadFile Create(string target)
    {
        var partial = $"{target}.{Guid.NewGuid():N}.part";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            return new DownloadFile(target, partial, new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes, useAsync: true));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(target, ex);
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(_target, ex);
        }
    }

    /// <summary>Flushes and closes the temporary file, then moves it into place (replacing an older file).</summary>
    public async Task CompleteAsync()
    {
        try
        {
            await _file.DisposeAsync().ConfigureAwait(false);
            File.Move(_partial, _target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(_target, ex);
        }
    }

    /// <summary>Closes the temporary file and deletes it when it is still there: a failed download leaves nothing that looks finished.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _file.DisposeAsync().ConfigureAwait(false);
            File.Delete(_partial);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The disk is failing already; the first failure is the one the script hears.
        }
    }

    private static DownloadFileException Failure(string target, Exception ex)
    {
        var blocker = FirstFileInTheWay(target);
        var why = ex switch
        {
            UnauthorizedAccessException => "permission denied",
            _ when blocker is not null => $"'{blocker}' is a file, so the folder cannot be created there",
            IOException when Directory.Exists(target) => "a folder with that name is in the way",
            DirectoryNotFoundException => "its folder does not exist (was it removed during the download?)",
            IOException { HResult: 28 } => "the disk is full", // ENOSPC
            _ => ex.Message,
        };
        return new DownloadFileException($"could not save the download to {target}: {why} (the response arrived; writing the local file failed)");
    }

    // The first ancestor of target's folder that exists as a file (it blocks creating the folder).
    private static string? FirstFileInTheWay(string target)
    {
        for (var folder = Path.GetDirectoryName(target); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                return folder;
            }
        }

        return null;
    }
}

/// <summary><c>save_to_file</c> could not write its file; the message is the script's error.</summary>
internal sealed class DownloadFileException(string message) : Exception(message);
