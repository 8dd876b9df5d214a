namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// Writes a file under a temporary name and moves it into place only when complete, so a failed or
/// cancelled write never leaves a file that looks finished (as the real HTTP plugin does for downloads).
/// </summary>
internal static class FileTarget
{
    private const int BufferBytes = 81920;

    public static async Task WriteAsync(string target, bool overwrite, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.{Guid.NewGuid():N}.part";
        try
        {
            var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                await write(file, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(partial, target, overwrite);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public static Task WriteAsync(string target, bool overwrite, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        WriteAsync(target, overwrite, (stream, token) => stream.WriteAsync(bytes, token).AsTask(), cancellationToken);
}
