using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>
/// A 50 MB multipart upload from a script, streamed from disk through the real HTTP plugin; measured
/// alone so the heap is this test's own. Upload progress is heard through the contract: the plugin's
/// transport is wrapped so each request carries a listener.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class UploadMemoryTests(ITestOutputHelper log)
{
    private const int Megabytes = 50;

    [Fact]
    public async Task Multipart_FiftyMegabyteFile_StreamsFromDiskWithSmallHeapGrowthAndProgressToTheTotal()
    {
        var fileLength = Megabytes * 1024L * 1024;
        long received = 0;
        long requestLength = 0;
        var firstMismatch = -1L;
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestHttpServer.StartAsync(app =>
        {
            // The script waits here (engine started, plugin loaded, connection made, code warmed up by a
            // small upload) until the test has its heap baseline.
            app.Map("/go", async context =>
            {
                waiting.TrySetResult();
                await go.Task.WaitAsync(TimeSpan.FromSeconds(60));
                await context.Response.WriteAsync("go");
            });
            app.Map("/upload", (RequestDelegate)(context => ReadUploadAsync(context)));
        });

        async Task ReadUploadAsync(HttpContext context)
        {
            // Read as a stream, section by section: the server holds no more of the file than a buffer.
            requestLength = context.Request.ContentLength ?? -1;
            var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).Value!;
            var reader = new MultipartReader(boundary, context.Request.Body);
            var buffer = new byte[81920];
            while (await reader.ReadNextSectionAsync() is { } section)
            {
                int read;
                while ((read = await section.Body.ReadAsync(buffer)) > 0)
                {
                    for (var i = 0; i < read && firstMismatch < 0; i++)
                    {
                        if (buffer[i] != Expected(received + i))
                        {
                            firstMismatch = received + i;
                        }
                    }

                    received += read;
                }
            }

            await context.Response.WriteAsync("stored");
        }

        var downloads = LuaScripts.NewFolder();
        await WriteFileAsync(Path.Combine(downloads, "big.bin"), fileLength);
        await File.WriteAllBytesAsync(Path.Combine(downloads, "small.bin"), TestBytes.Pattern(100_000));
        var progress = new ProgressLog();

        var runner = await EngineRunner.StartAsync(
            [LuaScripts.Write($$"""
                local function upload(file, callback)
                  net.http:post("{{server.Url("/upload")}}", { multipart = { { name = "file", file = file } }, timeout = 120 }, callback)
                end
                upload("small.bin", function()
                  net.http:get("{{server.Url("/go")}}", { timeout = 120 }, function()
                    upload("big.bin", function(r) print(r.status, r.body) script.unload() end)
                  end)
                end)
                """)],
            options: o => o with { DownloadDirectory = downloads },
            configure: e => e.Transports.Pin(TransportKind.Http, "Listening", new ListeningTransport(e.Transports.Http!.Transport, progress)));
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(60));
        received = 0;
        firstMismatch = -1;
        progress.Clear();
        using var sampler = new PeakMemorySampler();
        go.SetResult();
        var result = await runner.WaitForExitAsync(TimeSpan.FromSeconds(120));
        var (baseline, peak) = sampler.Stop();

        Assert.True(result == Engine.EngineRunResult.AllScriptsUnloaded, runner.Output.Transcript);
        Assert.Equal("200\tstored", Assert.Single(runner.Output.Prints));
        Assert.Equal(fileLength, received);
        Assert.Equal(-1, firstMismatch);

        var reports = progress.Reports;
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(requestLength, r.Total)); // the length is known up front
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Sent >= p.First.Sent), "upload progress went backwards");
        Assert.Equal(requestLength, reports[^1].Sent);

        var growth = peak - baseline;
        log.WriteLine($"managed heap baseline {baseline / 1048576.0:0.0} MB, peak {peak / 1048576.0:0.0} MB (growth {growth / 1048576.0:0.00} MB) during a {Megabytes} MB multipart upload; {reports.Count} progress reports");
        Assert.True(growth < 5 * 1024 * 1024, $"heap grew by {growth / 1048576.0:0.00} MB");
    }

    private static byte Expected(long offset) => (byte)(offset * 31 % 251);

    private static async Task WriteFileAsync(string path, long length)
    {
        var chunk = new byte[1024 * 1024];
        await using var file = File.Create(path);
        for (long done = 0; done < length; done += chunk.Length)
        {
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] = Expected(done + i);
            }

            await file.WriteAsync(chunk);
        }
    }

    /// <summary>Every (sent, total) the transport reported, in order.</summary>
    private sealed class ProgressLog : IHttpExchangeListener
    {
        private readonly List<(long Sent, long Total)> _reports = [];

        public bool StreamsBody => false;

        public List<(long Sent, long Total)> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Clear()
        {
            lock (_reports)
            {
                _reports.Clear();
            }
        }

        public void OnUploadProgress(long sent, long total)
        {
            lock (_reports)
            {
                _reports.Add((sent, total));
            }
        }

        public void OnDownloadProgress(long received, long total)
        {
        }

        public ValueTask OnBodyChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>The plugin's transport, with <see cref="HttpRequestSpec.Listener"/> set on every request.</summary>
    private sealed class ListeningTransport(IHttpTransport inner, IHttpExchangeListener listener) : IHttpTransport
    {
        public Task<HttpResult> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken) =>
            inner.SendAsync(request with { Listener = listener }, cancellationToken);
    }
}
