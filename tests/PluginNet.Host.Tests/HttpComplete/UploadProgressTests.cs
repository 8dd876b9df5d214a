using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>on_upload_progress for a plain body, against a real server that reads it all.</summary>
public class UploadProgressTests
{
    [Fact]
    public async Task UploadProgress_OfAPlainBody_IsMonotonic_AndEndsAtItsSize()
    {
        await using var server = await TestHttpServer.StartAsync(app => app.MapPost("/upload", async (HttpContext context) =>
        {
            using var memory = new MemoryStream();
            await context.Request.Body.CopyToAsync(memory, context.RequestAborted);
            return memory.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }));
        var output = await HttpIntegrationTests.RunAsync($$"""
            local last, calls, bad, totals = -1, 0, nil, {}
            net.http:post("{{server.Url("/upload")}}", {
              body = string.rep("u", 3 * 1024 * 1024), content_type = "application/octet-stream",
              on_upload_progress = function(sent, total)
                calls = calls + 1
                if sent < last then bad = "went back" end
                last = sent
                totals[total] = true
              end,
            }, function(r)
              print(r.status, r.body, last, calls > 0, bad, totals[3 * 1024 * 1024])
              script.unload()
            end)
            """);

        var size = 3 * 1024 * 1024;
        Assert.Equal($"200\t{size}\t{size}\ttrue\tnil\ttrue", Assert.Single(output.Prints));
    }
}
