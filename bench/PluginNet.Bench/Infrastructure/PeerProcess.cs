using System.Diagnostics;
using System.Threading.Channels;

namespace PluginNet.Bench.Infrastructure;

/// <summary>
/// A peer in its own process (a Node script, this program in a server role, or <c>pluginnet</c>): its
/// standard output as lines, its CPU time, and a bounded stop. Standard input stays open while it
/// runs; closing it tells every peer to exit.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly string _name;

    private PeerProcess(string name, ProcessStartInfo start)
    {
        _name = name;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;

        // When the harness itself runs under dotnet-trace, its peers must not wait for the tracer.
        start.Environment.Remove("DOTNET_DiagnosticPorts");
        start.Environment.Remove("DOTNET_DefaultDiagnosticPortSuspend");
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.Error.WriteLine($"  [{_name}] {e.Data}");
            }
        };
        Started = Stopwatch.GetTimestamp();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>When the process was started (Stopwatch timestamp, just before the start call).</summary>
    public long Started { get; }

    /// <summary>A Node peer from bench/node.</summary>
    public static PeerProcess Node(string script, params string[] args)
    {
        if (!Directory.Exists(Path.Combine(Repo.NodePeers, "node_modules", "ws")))
        {
            throw new InvalidOperationException("the Node peers are not installed: run `npm ci` in bench/node (bench/run.sh does it)");
        }

        return PlainNode(script, args);
    }

    /// <summary>A Node script from bench/node that needs no npm package (node itself only).</summary>
    public static PeerProcess PlainNode(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Repo.NodePeers };
        start.ArgumentList.Add(script);
        Array.ForEach(args, start.ArgumentList.Add);
        return new PeerProcess($"node {script}", start);
    }

    /// <summary>This program again, in a peer role (e.g. the HTTP server).</summary>
    public static PeerProcess Self(params string[] args)
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(path);
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            start.ArgumentList.Add(typeof(PeerProcess).Assembly.Location);
        }

        Array.ForEach(args, start.ArgumentList.Add);
        return new PeerProcess(string.Join(' ', args), start);
    }

    /// <summary>Any program, with extra environment variables.</summary>
    public static PeerProcess Program(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new PeerProcess(Path.GetFileName(file), start);
    }

    public int Id => _process.Id;

    /// <summary>User plus system CPU time the process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident set size (VmRSS, bytes) and thread count of the process now, from /proc (Linux; NaN elsewhere).</summary>
    public (double RssBytes, int Threads) Footprint()
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status))
        {
            return (double.NaN, 0);
        }

        double rss = double.NaN;
        var threads = 0;
        foreach (var line in File.ReadLines(status))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return (rss, threads);
    }

    /// <summary>The highest resident set size the process has had (VmHWM, bytes), from /proc (Linux; NaN elsewhere).</summary>
    public double PeakRssBytes()
    {
        var status = $"/proc/{_process.Id}/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) : null;
        return line is null
            ? double.NaN
            : double.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cancel.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..];
                }

                Console.WriteLine($"  [{_name}] {line}");
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"{_name}: no '{prefix}' line within {timeout.TotalSeconds:0} s");
        }

        throw new InvalidOperationException($"{_name} exited (code {(_process.HasExited ? _process.ExitCode : -1)}) before printing '{prefix}'");
    }

    /// <summary>The lines printed since the last read, without waiting.</summary>
    public List<string> DrainLines()
    {
        var lines = new List<string>();
        while (_lines.Reader.TryRead(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Writes a line to the process's standard input (e.g. a control command).</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits (bounded) for the process to exit by itself.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true); // our own child only
                    await _process.WaitForExitAsync();
                }
            }
        }

        _process.Dispose();
    }
}
