using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace PluginNet.Bench.Peers;

/// <summary>
/// The local HTTP server of the throughput measure, in its own process (<c>PluginNet.Bench serve-http</c>)
/// so that its CPU is not the client's: Kestrel on 127.0.0.1, a fixed 12-byte body on every path.
/// Prints "ready URL"; exits when standard input closes, or after ten minutes.
/// </summary>
internal static class HttpServerPeer
{
    private static readonly byte[] Body = "hello world\n"u8.ToArray();

    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.Run(context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        await app.StartAsync();
        Console.WriteLine($"ready {app.Urls.First()}");
        var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
        await Task.WhenAny(stdinClosed, Task.Delay(TimeSpan.FromMinutes(10)));
        await app.StopAsync();
        return 0;
    }
}
