using Microsoft.AspNetCore.Builder;
using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.Host.Tests;

/// <summary>save_to_file streams a large body to disk; measured alone so the heap is this test's own.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class SaveToFileMemoryTests(ITestOutputHelper log)
{
    [Fact]
    public async Task SaveToFile_FiftyMegabytes_StreamsToDiskWithoutHoldingTheBody()
    {
        const int megabytes = 50;
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/large", async context =>
        {
            context.Response.ContentLength = megabytes * 1024L * 1024;
            var chunk = TestBytes.Pattern(1024 * 1024);
            for (var i = 0; i < megabytes; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }));
        var downloads = LuaScripts.NewFolder();
        using var sampler = new PeakMemorySampler();
        var output = await HttpIntegrationTests.RunAsync($$"""
            net.http:get("{{server.Url("/large")}}", { save_to_file = "big.bin", timeout = 60 }, function(r)
              print(r.status, r.ok, #r.body) script.unload()
            end)
            """, downloads);
        var (baseline, peak) = sampler.Stop();

        Assert.Equal("200\ttrue\t0", Assert.Single(output.Prints));
        var file = new FileInfo(Path.Combine(downloads, "big.bin"));
        Assert.Equal(megabytes * 1024L * 1024, file.Length);
        Assert.Single(Directory.GetFiles(downloads)); // no partial file left behind
        log.WriteLine($"managed heap baseline {baseline / 1048576.0:0.0} MB, peak {peak / 1048576.0:0.0} MB during a {megabytes} MB download");
        // Holding the body takes at least its 50 MB (a buffer that doubles, more); half of it separates
        // that from what a loaded machine's late collections leave (14 MB was seen at load average 13).
        Assert.True(peak - baseline < megabytes * 1024L * 1024 / 2, $"heap grew by {(peak - baseline) / 1048576.0:0.0} MB");
    }
}
