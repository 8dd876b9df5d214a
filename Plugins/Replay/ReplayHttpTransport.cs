using System.Composition;
using PluginNet.Core.Plugins;
using PluginNet.Core.Transports;
using PluginNet.Plugins.Replay.Internal;

namespace PluginNet.Plugins.Replay;

/// <summary>
/// An HTTP transport for offline, deterministic runs: in <c>replay</c> mode it answers every request
/// from a folder of recorded exchanges (a cassette) and never touches the network; in <c>record</c>
/// mode it forwards each request to the real HTTP transport and writes the exchange down.
/// </summary>
/// <remarks>
/// Settings (<c>plugins.json</c>): <c>mode</c> = <c>replay</c> (default) or <c>record</c>;
/// <c>cassettes</c> = the folder, relative to <c>plugins.json</c> (default <c>cassettes</c>).
/// The cassette format is described in the plugin's README.
/// </remarks>
[Export(typeof(IHttpTransport))]
[Shared]
public sealed class ReplayHttpTransport : IHttpTransport, IConfigurablePlugin, IHttpTransportDecorator
{
    private volatile IHttpTransport? _inner;
    private volatile ICassetteMode _mode = new CassettePlayer(ReplaySettings.Default.Folder);

    /// <inheritdoc />
    public void Configure(PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var parsed = ReplaySettings.Parse(settings);
        _mode = parsed.Mode == ReplayMode.Record
            ? new CassetteRecorder(parsed.Folder)
            : new CassettePlayer(parsed.Folder);
    }

    /// <inheritdoc />
    public void SetInner(IHttpTransport? inner) => _inner = inner;

    /// <inheritdoc />
    public Task<HttpResult> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _mode.SendAsync(_inner, request, cancellationToken);
    }
}
