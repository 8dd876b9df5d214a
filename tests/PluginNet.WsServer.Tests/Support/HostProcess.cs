using System.Diagnostics;
using PluginNet.TestSupport;

namespace PluginNet.WsServer.Tests.Support;

/// <summary>
/// The real command line, <c>pluginnet run SCRIPT</c>, in its own process (the build next to the
/// tests), started from the repository root so it finds plugins.json, with its output collected.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<(string, int)> Done)> _waiters = [];

    private HostProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Everything written so far (stdout and stderr), for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static HostProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pluginnet.dll"));
        start.ArgumentList.Add("run");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Add(e.Data);
        process.ErrorDataReceived += (_, e) => host.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>The first line (past or future) that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null) =>
        (await WaitForLineFromAsync(0, match, timeout)).Line;

    /// <summary>
    /// The first line at or after line number <paramref name="from"/> (0-based, stdout and stderr
    /// together) that <paramref name="match"/> accepts, with its line number.
    /// </summary>
    public async Task<(string Line, int Index)> WaitForLineFromAsync(int from, Func<string, bool> match, TimeSpan? timeout = null)
    {
        TaskCompletionSource<(string, int)> done;
        lock (_gate)
        {
            for (var i = from; i < _lines.Count; i++)
            {
                if (match(_lines[i]))
                {
                    return (_lines[i], i);
                }
            }

            done = new TaskCompletionSource<(string, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no matching line from pluginnet. Output:\n{Transcript}");
        }
    }

    /// <summary>Sends a signal (e.g. <c>TERM</c>) to this process only, by its id.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits (bounded) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await Process.WaitForExitAsync(limit.Token);
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Done.TrySetResult((line, _lines.Count - 1));
                _waiters.Remove(waiter);
            }
        }
    }
}
