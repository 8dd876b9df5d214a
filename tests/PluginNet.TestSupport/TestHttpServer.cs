using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace PluginNet.TestSupport;

/// <summary>A real Kestrel HTTP server on 127.0.0.1 with a free port, configured per test.</summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHttpServer(WebApplication app, int port)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    /// <summary>e.g. <c>http://127.0.0.1:45123</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Starts a server; <paramref name="map"/> adds its endpoints.</summary>
    public static async Task<TestHttpServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Urls.First();
        return new TestHttpServer(app, new Uri(address).Port);
    }

    /// <summary>A URL on this server.</summary>
    public string Url(string path) => BaseUrl + path;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
