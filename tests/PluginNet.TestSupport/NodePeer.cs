using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace PluginNet.TestSupport;

/// <summary>
/// A Node.js WebSocket peer on the <c>ws</c> package (tests/node/peer.js), as a server or a client
/// on 127.0.0.1: it reports what it sees as JSON events and takes commands. Needs <c>node</c> and
/// <c>npm ci</c> run in tests/node (./test.sh does it).
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _seen = [];
    private readonly List<string> _stderr = [];

    private NodePeer(Process process) => _process = process;

    /// <summary>Every event read so far (also those a wait skipped).</summary>
    public IReadOnlyList<JsonObject> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>The test-support folder with peer.js.</summary>
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "node");

    /// <summary>Starts a Node <c>ws</c> server; returns once it listens, with its port.</summary>
    public static async Task<(NodePeer Peer, int Port)> StartServerAsync(object config)
    {
        var peer = Start("server", config);
        var listening = await peer.NextAsync("listening");
        return (peer, (int)listening["port"]!);
    }

    /// <summary>Starts a Node <c>ws</c> client (config has the url).</summary>
    public static NodePeer StartClient(object config) => Start("client", config);

    /// <summary>Waits for the next event named <paramref name="name"/> (other events are kept in <see cref="Seen"/>).</summary>
    public async Task<JsonObject> NextAsync(string name, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(cts.Token);
                if ((string?)e["event"] == name)
                {
                    return e;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"node peer: no '{name}' event; saw: {string.Join(" | ", Seen.Select(s => s.ToJsonString()))}; stderr: {string.Join(" ", _stderr)}");
        }
    }

    /// <summary>Sends a command (see peer.js).</summary>
    public async Task CommandAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static NodePeer Start(string mode, object config)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "ws")))
        {
            throw new InvalidOperationException("the Node ws package is not installed: run ./test.sh, or `npm ci` in tests/node");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("peer.js");
        info.ArgumentList.Add(mode);
        info.ArgumentList.Add(JsonSerializer.Serialize(config));
        var peer = new NodePeer(Process.Start(info)!);
        _ = peer.ReadAsync();
        return peer;
    }

    private async Task ReadAsync()
    {
        var error = _process.StandardError.ReadToEndAsync();
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (JsonNode.Parse(line) is JsonObject e)
            {
                lock (_seen)
                {
                    _seen.Add(e);
                }

                _events.Writer.TryWrite(e);
            }
        }

        _stderr.Add(await error);
        _events.Writer.TryComplete();
    }
}
