using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using PluginNet.Plugins.Inspector.Render;
using PluginNet.Plugins.Inspector.Store;

namespace PluginNet.Plugins.Inspector.Web;

/// <summary>
/// Pushes the store to one page over a WebSocket: everything first, then what changed, in batches (a
/// flood of events becomes one message per <see cref="Coalesce"/>), and the scripts with their ledgers at
/// least every second. The page only reads; its commands (clear) are plain requests.
/// </summary>
internal static class LiveFeed
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ScriptsEvery = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(WebSocket socket, ObservationStore store, int previewChars, CancellationToken stopping)
    {
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var reading = DrainAsync(socket, closed);
        long since = 0;
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            while (!closed.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                var batch = store.Read(since);
                since = batch.Version;
                buffer.ResetWrittenCount();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    Write(w, batch, store.Scripts.Snapshot(), previewChars);
                }

                await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, true, closed.Token).ConfigureAwait(false);
                await Task.WhenAny(store.WaitAsync(since, closed.Token), Task.Delay(ScriptsEvery, closed.Token)).ConfigureAwait(false);
                await Task.Delay(Coalesce, closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The page went away or the inspector stops.
        }

        await closed.CancelAsync().ConfigureAwait(false);
        await reading.ConfigureAwait(false);
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "inspector stopping", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
            }
        }
    }

    private static void Write(Utf8JsonWriter w, StoreBatch batch, IReadOnlyList<ScriptView> scripts, int previewChars)
    {
        w.WriteStartObject();
        w.WriteString("type", "batch");
        w.WriteBoolean("full", batch.Full);
        w.WriteNumber("version", batch.Version);
        w.WriteNumber("oldest", batch.Oldest);
        w.WriteNumber("bytes", batch.Bytes);
        w.WriteNumber("maxBytes", batch.MaxBytes);
        Counts(w, "seen", batch.Seen);
        Counts(w, "evicted", batch.Evicted);
        w.WriteStartArray("scripts");
        foreach (var s in scripts)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("state", s.State);
            w.WriteNumber("since", s.Since.ToUnixTimeMilliseconds());
            w.WriteNumber("errors", s.Errors);
            if (s.LastError is not null)
            {
                w.WriteString("lastError", s.LastError);
            }

            w.WriteStartArray("resources");
            foreach (var r in s.Resources)
            {
                w.WriteStartObject();
                w.WriteNumber("id", r.Id);
                w.WriteString("kind", r.Kind);
                w.WriteString("plugin", r.Plugin);
                w.WriteString("description", r.Description);
                w.WriteNumber("since", r.Since.ToUnixTimeMilliseconds());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("items");
        foreach (var item in batch.Items)
        {
            ItemJson.Summary(w, item, previewChars);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Counts(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> counts)
    {
        w.WriteStartObject(name);
        foreach (var (kind, count) in counts)
        {
            w.WriteNumber(kind, count);
        }

        w.WriteEndObject();
    }

    // Reads (and ignores) what the page sends, so a close from it is seen; cancels the feed when it closes.
    private static async Task DrainAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, closed.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }

        await closed.CancelAsync().ConfigureAwait(false);
    }
}
