using System.Composition;
using System.Globalization;
using PluginNet.Core.Observation;
using PluginNet.Core.Plugins;
using PluginNet.Plugins.Inspector.Store;
using PluginNet.Plugins.Inspector.Web;

namespace PluginNet.Plugins.Inspector;

/// <summary>
/// The inspector: keeps what the host reports in a bounded store (copies of at most
/// <c>preview_kb</c> of each body or message, at most <c>buffer_mb</c> in all, oldest evicted) and serves
/// it as a live page. The observer side only copies and appends; everything else happens when a page asks.
/// </summary>
[Export(typeof(INetInspector))]
[Shared]
public sealed class NetInspector : INetInspector, IConfigurablePlugin, IDisposable
{
    /// <summary>The default bound of the store: 32 MiB.</summary>
    public const int DefaultBufferMegabytes = 32;

    /// <summary>The default part of each body or message kept: 64 KiB.</summary>
    public const int DefaultPreviewKilobytes = 64;

    private ObservationStore _store = new(DefaultBufferMegabytes * 1024L * 1024);
    private int _previewBytes = DefaultPreviewKilobytes * 1024;
    private InspectorServer? _server;

    internal ObservationStore Store => _store;

    /// <summary>Reads <c>buffer_mb</c> (1 to 4096) and <c>preview_kb</c> (1 to 1024) from the plugin's settings.</summary>
    public void Configure(PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var buffer = Read(settings, "buffer_mb", DefaultBufferMegabytes, 4096);
        _previewBytes = Read(settings, "preview_kb", DefaultPreviewKilobytes, 1024) * 1024;
        _store = new ObservationStore(buffer * 1024L * 1024);
    }

    /// <inheritdoc />
    public async Task<Uri> StartAsync(int port, CancellationToken cancellationToken = default)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("the inspector is already started");
        }

        _server = await InspectorServer.StartAsync(port, _store, _previewBytes, cancellationToken).ConfigureAwait(false);
        return _server.Url;
    }

    /// <inheritdoc />
    public void OnScript(ScriptObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        _store.Scripts.Apply(observation);
        _store.Add(new ScriptItem(observation));
    }

    /// <inheritdoc />
    public void OnHttp(HttpObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (observation.Phase == HttpObservationPhase.Started)
        {
            _store.Add(new HttpItem(observation, _previewBytes));
        }
        else
        {
            _store.FinishHttp(observation, _previewBytes);
        }
    }

    /// <inheritdoc />
    public void OnWebSocket(WebSocketObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        _store.Add(new WsItem(observation, _previewBytes));
    }

    /// <inheritdoc />
    public void OnUdp(UdpObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        _store.Add(new UdpItem(observation, _previewBytes));
    }

    /// <summary>Stops the page (open pages see their feed close).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="DisposeAsync"/>, blocking; System.Composition disposes shared parts synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static int Read(PluginSettings settings, string key, int fallback, int max)
    {
        var text = settings.Get(key, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max
            ? value
            : throw new ArgumentException($"plugin '{settings.PluginName}': settings.{key} must be a whole number from 1 to {max}, not '{text}'");
    }
}
