using System.Diagnostics;
using System.Globalization;

namespace PluginNet.TestSupport;

/// <summary>
/// The real command line, <c>pluginnet run ...</c> (the build next to the tests), in its own process
/// started from the repository root so it finds plugins.json, as a modder would run it; standard
/// output and standard error are collected line by line.
/// </summary>
public sealed class PluginNetProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private readonly RecordedLines _stdout;
    private readonly RecordedLines _stderr;

    private PluginNetProcess(Process process)
    {
        Process = process;
        _stdout = new RecordedLines("line from pluginnet", () => Transcript);
        _stderr = new RecordedLines("log line from pluginnet", () => Transcript);
    }

    public Process Process { get; }

    /// <summary>Lines written to standard output (what scripts print) so far.</summary>
    public IReadOnlyList<string> Stdout => _stdout.Lines;

    /// <summary>Lines written to standard error (the log) so far.</summary>
    public IReadOnlyList<string> Stderr => _stderr.Lines;

    /// <summary>Both streams, for failure messages.</summary>
    public string Transcript => "stdout:\n" + string.Join('\n', Stdout) + "\nstderr:\n" + string.Join('\n', Stderr);

    /// <summary>Starts <c>pluginnet run</c>.</summary>
    /// <param name="arguments">What follows <c>run</c>: scripts and options.</param>
    /// <param name="environment">Environment variables to add or replace.</param>
    /// <param name="console">
    /// False: <c>--no-console</c>, and standard input closed. True: the control console runs, reading
    /// a standard input that stays open (write to it with <see cref="SendAsync"/>).
    /// </param>
    public static PluginNetProcess Start(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, bool console = false) =>
        Launch(["run", .. arguments, .. console ? Array.Empty<string>() : ["--no-console"]], RepoPaths.Root, environment, closeInput: !console);

    /// <summary>
    /// Starts <c>pluginnet</c> with exactly <paramref name="arguments"/> (any command, <c>--help</c>
    /// included) in <paramref name="workingDirectory"/>; standard input stays open for <see cref="SendAsync"/>
    /// until <see cref="CloseInput"/>.
    /// </summary>
    public static PluginNetProcess StartCommand(IEnumerable<string> arguments, string workingDirectory) =>
        Launch(arguments, workingDirectory, environment: null, closeInput: false);

    private static PluginNetProcess Launch(
        IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment, bool closeInput)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pluginnet.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var host = new PluginNetProcess(process);
        process.OutputDataReceived += (_, e) => Add(e.Data, host._stdout);
        process.ErrorDataReceived += (_, e) => Add(e.Data, host._stderr);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (closeInput)
        {
            process.StandardInput.Close();
        }

        return host;
    }

    /// <summary>Runs <c>pluginnet run</c> to the end (bounded: 60 s unless told) and returns what it did.</summary>
    public static async Task<ProcessResult> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? limit = null)
    {
        await using var process = Start(arguments, environment);
        return await process.ResultAsync(limit ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs <c>pluginnet</c> with exactly <paramref name="arguments"/> to the end (bounded: 60 s) in <paramref name="workingDirectory"/>.</summary>
    public static async Task<ProcessResult> RunCommandAsync(IEnumerable<string> arguments, string workingDirectory)
    {
        await using var process = StartCommand(arguments, workingDirectory);
        process.CloseInput();
        return await process.ResultAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Closes standard input: the control console reads its end.</summary>
    public void CloseInput() => Process.StandardInput.Close();

    private async Task<ProcessResult> ResultAsync(TimeSpan limit)
    {
        var code = await WaitForExitAsync(limit);
        return new ProcessResult(code, Stdout, Stderr, Transcript);
    }

    /// <summary>The first standard-output line (past or future) that <paramref name="match"/> accepts (bounded: 30 s unless told).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null) =>
        (await WaitForLineFromAsync(0, match, timeout)).Line;

    /// <summary>
    /// The first standard-output line at or after line number <paramref name="from"/> (0-based) that
    /// <paramref name="match"/> accepts, with its line number (bounded: 30 s unless told).
    /// </summary>
    public Task<(string Line, int Index)> WaitForLineFromAsync(int from, Func<string, bool> match, TimeSpan? timeout = null) =>
        _stdout.WaitForAsync(from, match, timeout ?? DefaultWait);

    /// <summary>
    /// The first standard-error (log) line at or after line number <paramref name="from"/> (0-based)
    /// that <paramref name="match"/> accepts, with its line number (bounded: 30 s unless told).
    /// </summary>
    public Task<(string Line, int Index)> WaitForLogFromAsync(int from, Func<string, bool> match, TimeSpan? timeout = null) =>
        _stderr.WaitForAsync(from, match, timeout ?? DefaultWait);

    /// <summary>Writes one line to the control console (start with <c>console: true</c>).</summary>
    public async Task SendAsync(string line)
    {
        await Process.StandardInput.WriteLineAsync(line);
        await Process.StandardInput.FlushAsync();
    }

    /// <summary>Sends a signal (e.g. <c>TERM</c>) to this process only, by its id.</summary>
    public async Task SignalAsync(string signal)
    {
        if (signal == "INT" && IgnoresSigint(Process.Id))
        {
            // A background job of a shell without job control starts with SIGINT ignored, and a child
            // inherits that: the signal would never arrive and the test would only see a timeout.
            throw new InvalidOperationException(
                "pluginnet was started with SIGINT ignored (inherited from the test run, e.g. `cmd &` in a script " +
                "without job control); run the tests in the foreground or after `set -m`.");
        }

        using var kill = Process.Start("kill", [$"-{signal}", Process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static bool IgnoresSigint(int pid)
    {
        const ulong sigintBit = 1UL << (2 - 1);
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status";
        if (!File.Exists(path))
        {
            return false;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & sigintBit) != 0;
    }

    /// <summary>Waits (bounded: 30 s unless told) for the process to exit, with all its output read, and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var bound = timeout ?? DefaultWait;
        using var limit = new CancellationTokenSource(bound);
        try
        {
            await Process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"pluginnet still running after {bound.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.\n{Transcript}");
        }

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

    private static void Add(string? line, RecordedLines into)
    {
        // Null marks the end of the stream, not a line.
        if (line is not null)
        {
            into.Add(line);
        }
    }
}

/// <summary>How a <c>pluginnet</c> process ended and what it wrote.</summary>
public sealed record ProcessResult(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr, string Transcript)
{
    /// <summary>Standard output as one text, a line feed after each line.</summary>
    public string StdoutText => string.Concat(Stdout.Select(l => l + "\n"));

    /// <summary>Standard error as one text, a line feed after each line.</summary>
    public string StderrText => string.Concat(Stderr.Select(l => l + "\n"));
}
