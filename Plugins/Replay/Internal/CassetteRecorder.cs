using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// Record mode: forwards each request to the inner (real) HTTP transport and writes the exchange to
/// the cassette folder, then hands back the inner result unchanged. Recordings are numbered in the
/// order the requests were made, after any already in the folder (recording adds, never deletes).
/// </summary>
internal sealed class CassetteRecorder : ICassetteMode
{
    private readonly string _folder;
    private readonly Lazy<Task<long>> _firstNumber;
    private long _issued;

    public CassetteRecorder(string folder)
    {
        _folder = folder;
        _firstNumber = new Lazy<Task<long>>(() => Task.Run(() => NextFreeNumber(folder)));
    }

    public Task<HttpResult> SendAsync(IHttpTransport? inner, HttpRequestSpec request, CancellationToken cancellationToken)
    {
        if (inner is null)
        {
            return Task.FromResult(HttpResult.Failure(
                "mode=record forwards requests to the real http transport, but no other plugin serves http; enable the Http plugin in plugins.json"));
        }

        // Numbered here, on the menu thread in the order the script asked, whatever order the responses come in.
        var ordinal = Interlocked.Increment(ref _issued) - 1;
        return RecordAsync(inner, request, ordinal, _firstNumber.Value, cancellationToken);
    }

    private async Task<HttpResult> RecordAsync(IHttpTransport inner, HttpRequestSpec request, long ordinal, Task<long> firstNumber, CancellationToken cancellationToken)
    {
        UploadIdentity? upload;
        try
        {
            upload = UploadIdentity.Of(request);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            upload = null; // the real transport fails on the same file and says why; that failure is recorded
        }

        // A body the script hears in pieces never reaches the result: keep a copy of the pieces as they pass.
        var tee = request.Listener is { StreamsBody: true } listener ? new StreamedBodyCopy(listener) : null;
        var result = await inner.SendAsync(tee is null ? request : request with { Listener = tee }, cancellationToken).ConfigureAwait(false);
        try
        {
            var number = await firstNumber.WaitAsync(cancellationToken).ConfigureAwait(false) + ordinal;
            var recording = new ExchangeWriter.Recording(request, result, upload, tee?.Body);
            await ExchangeWriter.WriteAsync(_folder, number, recording, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Recording is the point of this mode: a lost recording must not go unnoticed.
            return HttpResult.Failure($"the response arrived (status {result.Status}) but recording it in {_folder} failed: {ex.Message}");
        }

        return result;
    }

    private static long NextFreeNumber(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 1;
        }

        var highest = 0L;
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            if (CassetteNames.TryParseAny(Path.GetFileName(path), out var number))
            {
                highest = Math.Max(highest, number);
            }
        }

        return highest + 1;
    }
}
