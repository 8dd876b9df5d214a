using PluginNet.Core.Observation;
using PluginNet.Core.Resources;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

// Releasing a script connection when its script unloads, its plugin unloads or the host stops: the
// reconnect wait is cancelled and the transport connection closed with 1001 and disposed.
internal sealed partial class WsBinder
{
    private sealed partial class Binding
    {
        private sealed partial class Connection
        {
            private async Task ReleaseAsync(ReleaseReason reason)
            {
                _released = true;

                // Going away (1001). On a script unload the dispatcher drops whatever the transport still
                // reports; on a plugin unload the script stays and hears on_close like any other close.
                var why = reason switch
                {
                    ReleaseReason.ScriptUnloaded => "script unloaded",
                    ReleaseReason.PluginUnloaded => "the ws transport is being unloaded",
                    _ => "host stopping",
                };
                if (reason != ReleaseReason.PluginUnloaded)
                {
                    // The script hears no on_close any more (a plugin unload still gives it one); the observer hears the end.
                    binding.Observe(id, WebSocketObservationKind.Closed, Url, closeCode: WebSocketLimits.GoingAway, closeReason: why);
                }

                var waiting = Interlocked.Exchange(ref _waiting, null);
                if (waiting is not null)
                {
                    try
                    {
                        await waiting.CancelAsync().ConfigureAwait(false);
                    }
                    catch (ObjectDisposedException)
                    {
                        // The wait had just ended; its try sees _released and does nothing.
                    }

                    if (reason == ReleaseReason.PluginUnloaded)
                    {
                        binding.Post(() => End(WebSocketLimits.AbnormalClosure, "the ws transport was unloaded while reconnecting"));
                    }
                }

                if (_current?.Transport is not { } transport)
                {
                    return;
                }

                using var timeout = new CancellationTokenSource(UnloadCloseTimeout);
                await transport.CloseAsync(WebSocketLimits.GoingAway, why, timeout.Token).ConfigureAwait(false);
                await transport.DisposeAsync().ConfigureAwait(false);
                if (_current is { } current)
                {
                    current.Transport = null; // nothing of the plugin stays reachable once it may be unloaded
                }
            }
        }
    }
}
