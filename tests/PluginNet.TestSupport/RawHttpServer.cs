using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace PluginNet.TestSupport;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 that records each request exactly as it came off the wire:
/// the request line and every header line in order, unmerged (Kestrel joins repeated headers, this
/// does not). Answers every request with <c>200 ok</c> and closes the connection, or, when told to
/// hang, never answers and notes when the client gives up.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Channel<RawHttpRequest> _requests = Channel.CreateUnbounded<RawHttpRequest>();
    private readonly Channel<bool> _hangUps = Channel.CreateUnbounded<bool>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly bool _hang;

    /// <summary>Starts listening on a free port.</summary>
    /// <param name="hang">True: never answer; a client closing the connection is reported by <see cref="WaitForHangUpAsync"/>.</param>
    /// <param name="address">A loopback address: 127.0.0.1 (the default) or ::1 (another host for the client).</param>
    public RawHttpServer(bool hang = false, IPAddress? address = null)
    {
        _hang = hang;
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Host = _listener.LocalEndpoint.AddressFamily == AddressFamily.InterNetworkV6 ? "[::1]" : "127.0.0.1";
        _accepting = AcceptAsync();
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The host part of its URLs: <c>127.0.0.1</c> or <c>[::1]</c>.</summary>
    public string Host { get; }

    /// <summary>A URL on this server.</summary>
    public string Url(string path) => $"http://{Host}:{Port}{path}";

    /// <summary>Waits for the next request that arrives (in arrival order), bounded.</summary>
    public async Task<RawHttpRequest> NextAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _requests.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no request reached {Host}:{Port} within {within.TotalSeconds:0.#} s");
        }
    }

    /// <summary>True when a request has arrived that no <see cref="NextAsync"/> took yet.</summary>
    public bool TryTake(out RawHttpRequest? request) => _requests.Reader.TryRead(out request);

    /// <summary>Waits until a client closes a connection whose request was left unanswered (hang mode), bounded.</summary>
    public async Task WaitForHangUpAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _hangUps.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no client of {Host}:{Port} gave up within {within.TotalSeconds:0.#} s");
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                var lines = head.Split("\r\n");
                var headers = lines.Skip(1).Select(l =>
                {
                    var colon = l.IndexOf(':', StringComparison.Ordinal);
                    return new KeyValuePair<string, string>(l[..colon], l[(colon + 1)..].Trim());
                }).ToList();
                var length = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(h => int.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                var body = new byte[length];
                await stream.ReadExactlyAsync(body, _stop.Token);
                _requests.Writer.TryWrite(new RawHttpRequest(lines[0], headers, body));
                if (_hang)
                {
                    await WaitForCloseAsync(stream);
                    return;
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray(), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or EndOfStreamException)
            {
                // The client went away; whatever arrived complete is recorded.
            }
        }
    }

    private async Task WaitForCloseAsync(NetworkStream stream)
    {
        try
        {
            while (await stream.ReadAsync(new byte[256], _stop.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // reset by the client: it gave up as well
        }

        _hangUps.Writer.TryWrite(true);
    }

    // Reads up to and without the blank line that ends the head; null when the peer closed first.
    private async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                return Encoding.Latin1.GetString([.. head.Take(head.Count - 4)]);
            }
        }

        return null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>One request as it arrived.</summary>
/// <param name="RequestLine">e.g. <c>GET /x HTTP/1.1</c>.</param>
/// <param name="Headers">Every header line in wire order, names as sent.</param>
/// <param name="Body">The body (by Content-Length).</param>
public sealed record RawHttpRequest(string RequestLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>Every value sent under <paramref name="name"/> (case-insensitive), one per header line.</summary>
    public IReadOnlyList<string> Values(string name) =>
        [.. Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];
}
