using System.Text;
using System.Text.Json;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;

namespace PluginNet.Replay.Tests;

/// <summary>
/// Cassette format version 2, through the contract: the real Replay plugin, loaded by a real engine,
/// records what an inner transport answered (response headers with repeats, final URL, redirects, a
/// body streamed to a listener, an upload's identity) and replays it; version 1 files are still read.
/// </summary>
public class CassetteVersion2Tests
{
    private static readonly KeyValuePair<string, string>[] Headers =
    [
        new("Content-Type", "text/event-stream"),
        new("Set-Cookie", "a=1; Path=/"),
        new("Set-Cookie", "b=2; Path=/"),
        new("X-RateLimit-Remaining", "4"),
    ];

    private static readonly string[] Pieces = ["data: one\n\n", "data: tw", "o\n\nevent: done\ndata: \n\n"];

    [Fact]
    public async Task RecordThenReplay_HeadersFinalUrlRedirectsAndStreamedBody_Kept()
    {
        var setup = new ReplaySetup();
        var url = new Uri("http://127.0.0.1:9/stream");
        var recordedHeard = new Heard(streams: true);
        var recorded = await SendAsync(setup.Config("record", withHttp: false), Spec(url) with { Listener = recordedHeard }, new StreamingServer());

        var file = Assert.Single(setup.ExchangeFiles());
        using (var json = JsonDocument.Parse(await File.ReadAllBytesAsync(file)))
        {
            var response = json.RootElement.GetProperty("response");
            Assert.Equal(2, json.RootElement.GetProperty("version").GetInt32());
            Assert.Equal("http://127.0.0.1:9/final", response.GetProperty("url").GetString());
            Assert.Equal(2, response.GetProperty("redirects").GetInt32());
            Assert.True(response.GetProperty("streamed").GetBoolean());
            Assert.Equal(
                Headers.Select(h => $"{h.Key}: {h.Value}"),
                response.GetProperty("headers").EnumerateArray().Select(p => $"{p[0].GetString()}: {p[1].GetString()}"));
            Assert.Equal(string.Concat(Pieces), response.GetProperty("body").GetString());
        }

        var replayHeard = new Heard(streams: true);
        var replayed = await SendAsync(setup.Config("replay", withHttp: false), Spec(url) with { Listener = replayHeard });
        var whole = await SendAsync(setup.Config("replay", withHttp: false), Spec(url));

        Assert.Equal(string.Concat(Pieces), recordedHeard.Text); // the script heard the pieces while recording
        Assert.Equal(string.Concat(Pieces), replayHeard.Text);
        Assert.Empty(replayed.Body);
        foreach (var result in new[] { recorded, replayed, whole })
        {
            Assert.Equal(Headers, result.Headers);
            Assert.Equal(("http://127.0.0.1:9/final", 2, 200, true), (result.FinalUrl?.AbsoluteUri, result.Redirects, result.Status, result.Ok));
        }

        Assert.Equal(string.Concat(Pieces), Encoding.UTF8.GetString(whole.Body)); // no listener: the body in the result
        Assert.Equal(Encoding.UTF8.GetByteCount(string.Concat(Pieces)), replayHeard.Progress[^1].Received);
        Assert.True(replayHeard.Progress.Zip(replayHeard.Progress.Skip(1)).All(p => p.Second.Received >= p.First.Received));
    }

    [Fact]
    public async Task Replay_LargeStreamedBody_ArrivesInPiecesInOrder()
    {
        var setup = new ReplaySetup();
        var body = TestBytes.Pattern(200_000);
        Directory.CreateDirectory(setup.Cassettes);
        await File.WriteAllTextAsync(Path.Combine(setup.Cassettes, "0001-large.json"), $$"""
            { "version": 2, "request": { "method": "GET", "url": "http://127.0.0.1:9/large" },
              "response": { "status": 200, "body": "{{Convert.ToBase64String(body)}}", "body_encoding": "base64" } }
            """);
        var heard = new Heard(streams: true);

        await SendAsync(setup.Config("replay", withHttp: false), Spec(new Uri("http://127.0.0.1:9/large")) with { Listener = heard });

        Assert.Equal(body, heard.Bytes);
        Assert.True(heard.Chunks > 1, $"{heard.Chunks} piece(s)");
    }

    [Fact]
    public async Task Replay_Version1Cassette_StillRead_WithoutHeaders()
    {
        var setup = new ReplaySetup();
        Directory.CreateDirectory(setup.Cassettes);
        await File.WriteAllTextAsync(Path.Combine(setup.Cassettes, "0001-v1.json"), """
            { "version": 1, "request": { "method": "GET", "url": "http://127.0.0.1:9/old" },
              "response": { "status": 200, "body": "from version 1" } }
            """);

        var result = await SendAsync(setup.Config("replay", withHttp: false), Spec(new Uri("http://127.0.0.1:9/old")));

        Assert.Equal((200, true, "from version 1"), (result.Status, result.Ok, Encoding.UTF8.GetString(result.Body)));
        Assert.Empty(result.Headers);
        Assert.Equal(("http://127.0.0.1:9/old", 0), (result.FinalUrl?.AbsoluteUri, result.Redirects));
    }

    [Theory]
    [InlineData("\"version\": 3,", "'version' must be 1 to 2 (the versions this plugin reads)")]
    [InlineData("\"version\": 2,", "'response.headers[0]' must be a [name, value] pair of strings", "[[\"X-One\"]]")]
    [InlineData("\"version\": 2,", "'response.headers' must be an array of [name, value] pairs", "{ \"X-One\": \"1\" }")]
    public async Task Replay_BrokenVersion2File_FailsNamingTheField(string version, string expected, string headers = "[]")
    {
        var setup = new ReplaySetup();
        Directory.CreateDirectory(setup.Cassettes);
        await File.WriteAllTextAsync(Path.Combine(setup.Cassettes, "0001-broken.json"), $$"""
            { {{version}} "request": { "method": "GET", "url": "http://127.0.0.1:9/x" },
              "response": { "status": 200, "headers": {{headers}} } }
            """);

        var result = await SendAsync(setup.Config("replay", withHttp: false), Spec(new Uri("http://127.0.0.1:9/x")));

        Assert.Equal((0, false), (result.Status, result.Ok));
        Assert.Contains("0001-broken.json: " + expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordThenReplay_MultipartAndBodyFile_MatchedByTheirContentNotTheirPath()
    {
        var setup = new ReplaySetup();
        var folder = LuaScripts.NewFolder();
        var shot = Path.Combine(folder, "shot.png");
        await File.WriteAllBytesAsync(shot, TestBytes.Pattern(5000));
        var url = new Uri("http://127.0.0.1:9/webhook");
        HttpRequestSpec Upload(string path) => Spec(url, "POST") with
        {
            Multipart = [new HttpMultipartPart("payload_json", "{\"content\":\"hi\"}", null, null, "application/json"), new HttpMultipartPart("files[0]", null, path, "shot.png", "image/png")],
        };
        await SendAsync(setup.Config("record", withHttp: false), Upload(shot), new StreamingServer());
        using (var json = JsonDocument.Parse(await File.ReadAllBytesAsync(Assert.Single(setup.ExchangeFiles()))))
        {
            var parts = json.RootElement.GetProperty("request").GetProperty("upload").GetProperty("multipart");
            Assert.Equal("payload_json", parts[0].GetProperty("name").GetString());
            Assert.Equal(("shot.png", 64), (parts[1].GetProperty("filename").GetString(), parts[1].GetProperty("file_sha256").GetString()!.Length));
            Assert.DoesNotContain(folder, json.RootElement.GetRawText(), StringComparison.Ordinal); // no machine path in a cassette
        }

        var copy = Path.Combine(LuaScripts.NewFolder(), "elsewhere.png");
        File.Copy(shot, copy);
        var sameContent = await SendAsync(setup.Config("replay", withHttp: false), Upload(copy));
        await File.WriteAllBytesAsync(copy, TestBytes.Pattern(5001));
        var otherContent = await SendAsync(setup.Config("replay", withHttp: false), Upload(copy));

        Assert.Equal((200, true), (sameContent.Status, sameContent.Ok));
        Assert.Equal((0, false), (otherContent.Status, otherContent.Ok));
        Assert.StartsWith("no recorded exchange for POST http://127.0.0.1:9/webhook", otherContent.Error, StringComparison.Ordinal);
    }

    private static HttpRequestSpec Spec(Uri url, string method = "GET") =>
        new(method, url, [], ReadOnlyMemory<byte>.Empty, null, TimeSpan.FromSeconds(10), null, 64 * 1024 * 1024);

    // Loads the plugins of `config` in a real engine and sends one request through the http transport
    // it serves (the Replay plugin), with `inner` as the transport it records from.
    private static async Task<HttpResult> SendAsync(string config, HttpRequestSpec spec, IHttpTransport? inner = null)
    {
        await using var runner = await EngineRunner.StartAsync([LuaScripts.Write("-- stays loaded")], pluginsJson: config);
        IHttpTransport? transport = null;
        await runner.InvokeAsync(e => transport = e.Transports.Http!.Transport);
        if (inner is not null)
        {
            ((IHttpTransportDecorator)transport!).SetInner(inner);
        }

        return await transport!.SendAsync(spec, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Answers like a server behind two redirects, streaming the body when the listener asks for it.</summary>
    private sealed class StreamingServer : IHttpTransport
    {
        public async Task<HttpResult> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken)
        {
            var body = Encoding.UTF8.GetBytes(string.Concat(Pieces));
            if (request.Listener is { StreamsBody: true } listener)
            {
                foreach (var piece in Pieces)
                {
                    await listener.OnBodyChunkAsync(Encoding.UTF8.GetBytes(piece), cancellationToken);
                }

                body = [];
            }

            return new HttpResult(200, body, "", true) { Headers = Headers, FinalUrl = new Uri("http://127.0.0.1:9/final"), Redirects = 2 };
        }
    }

    /// <summary>What a listener heard: the pieces of the body and the download progress.</summary>
    private sealed class Heard(bool streams) : IHttpExchangeListener
    {
        private readonly MemoryStream _bytes = new();

        public bool StreamsBody => streams;

        public int Chunks { get; private set; }

        public byte[] Bytes => _bytes.ToArray();

        public string Text => Encoding.UTF8.GetString(Bytes);

        public List<(long Received, long Total)> Progress { get; } = [];

        public void OnUploadProgress(long sent, long total)
        {
        }

        public void OnDownloadProgress(long received, long total) => Progress.Add((received, total));

        public ValueTask OnBodyChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
        {
            Chunks++;
            _bytes.Write(chunk.Span);
            return ValueTask.CompletedTask;
        }
    }
}
