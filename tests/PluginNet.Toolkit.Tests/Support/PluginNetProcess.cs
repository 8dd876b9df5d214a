using System.Diagnostics;
using System.Globalization;
using PluginNet.TestSupport;

namespace PluginNet.Toolkit.Tests.Support;

/// <summary>
/// The real command line, <c>pluginnet run ...</c> (the build next to the tests), in its own process
/// started from the repository root, as a modder would run it; standard output and standard error
/// are collected line by line.
/// </summary>
internal sealed class PluginNetProcess : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];
    private readonly Process _process;

    private PluginNetProcess(Process process) => _process = process;

    /// <summary>Lines written to standard output so far.</summary>
    public IReadOnlyList<string> Stdout
    {
        get
        {
            lock (_gate)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>Lines written to standard error (the log) so far.</summary>
    public IReadOnlyList<string> Stderr
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Both streams, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_gate)
            {
                return "stdout:\n" + string.Join('\n', _stdout) + "\nstderr:\n" + string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>Starts <c>pluginnet run</c> with <paramref name="arguments"/> (console off) and extra environment variables.</summary>
    public static PluginNetProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
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

        start.ArgumentList.Add("--no-console");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var host = new PluginNetProcess(process);
        process.OutputDataReceived += (_, e) => host.Add(e.Data, host._stdout);
        process.ErrorDataReceived += (_, e) => host.Add(e.Data, host._stderr);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return host;
    }

    /// <summary>Runs to the end (bounded: 60 s unless told) and returns what it did.</summary>
    public static async Task<ProcessResult> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? limit = null)
    {
        await using var process = Start(arguments, environment);
        var code = await process.WaitForExitAsync(limit ?? TimeSpan.FromSeconds(60));
        return new ProcessResult(code, process.Stdout, process.Stderr, process.Transcript);
    }

    /// <summary>The first standard-output line (past or future) that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        TaskCompletionSource<string> done;
        lock (_gate)
        {
            if (_stdout.FirstOrDefault(match) is { } existing)
            {
                return existing;
            }

            done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no matching line from pluginnet within {timeout.TotalSeconds} s.\n{Transcript}");
        }
    }

    /// <summary>Waits (bounded) for the process to exit, with all its output read, and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"pluginnet still running after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.\n{Transcript}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line, List<string> into)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            into.Add(line);
            if (into != _stdout)
            {
                return;
            }

            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Done.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }
}

/// <summary>How a <c>pluginnet run</c> ended and what it wrote.</summary>
internal sealed record ProcessResult(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr, string Transcript);
