using System.Globalization;
using System.Text;
using System.Text.Json;
using PluginNet.Core.Observation;
using PluginNet.Plugins.Inspector.Store;

namespace PluginNet.Plugins.Inspector.Render;

/// <summary>
/// The kept traffic as HAR 1.2 (browser devtools, Fiddler, Charles open it): one entry per finished HTTP
/// exchange, and one per WebSocket connection with its messages in <c>_webSocketMessages</c>, the
/// extension Chromium writes. Bodies are the kept (bounded) bytes; secrets are masked unless asked.
/// </summary>
internal static class HarWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<Item> items, bool unmask)
    {
        w.WriteStartObject();
        w.WriteStartObject("log");
        w.WriteString("version", "1.2");
        w.WriteStartObject("creator");
        w.WriteString("name", "PluginNet inspector");
        w.WriteString("version", typeof(HarWriter).Assembly.GetName().Version?.ToString() ?? "1.0");
        w.WriteEndObject();
        w.WriteStartArray("pages");
        w.WriteEndArray();
        w.WriteStartArray("entries");
        foreach (var http in items.OfType<HttpItem>().Where(h => h.Done is not null))
        {
            HttpEntry(w, http, unmask);
        }

        foreach (var connection in items.OfType<WsItem>().GroupBy(ws => ws.ConnectionKey))
        {
            WebSocketEntry(w, [.. connection], unmask);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void HttpEntry(Utf8JsonWriter w, HttpItem http, bool unmask)
    {
        var done = http.Done!;
        var timings = HarTimings.Of(http.Queued, done.Result.Waited, done.Duration, done.Result.Timings);
        w.WriteStartObject();
        w.WriteString("startedDateTime", Iso(http.At));
        w.WriteNumber("time", timings.Total);
        w.WriteStartObject("request");
        w.WriteString("method", http.Method);
        w.WriteString("url", Masking.Url(http.Url.OriginalString, unmask));
        w.WriteString("httpVersion", "HTTP/1.1");
        Cookies(w);
        Headers(w, http.RequestHeaders, unmask);
        QueryString(w, http.Url, unmask);
        if (http.RequestBody.Size > 0)
        {
            w.WriteStartObject("postData");
            w.WriteString("mimeType", Header(http.RequestHeaders, "Content-Type") ?? "application/octet-stream");
            w.WriteString("text", BodyPreview.AsText(http.RequestBody.Kept) ?? Convert.ToBase64String(http.RequestBody.Kept));
            w.WriteEndObject();
        }

        w.WriteNumber("headersSize", -1);
        w.WriteNumber("bodySize", http.RequestBody.Size);
        w.WriteEndObject();

        var r = done.Result;
        w.WriteStartObject("response");
        w.WriteNumber("status", r.Status);
        w.WriteString("statusText", r.Status == 0 ? string.Empty : r.Ok ? "OK" : r.Error.Replace($"HTTP {r.Status}", string.Empty, StringComparison.Ordinal).Trim());
        w.WriteString("httpVersion", r.Status == 0 ? string.Empty : "HTTP/1.1");
        Cookies(w);
        Headers(w, r.Headers, unmask);
        w.WriteStartObject("content");
        w.WriteNumber("size", done.Body.Size);
        w.WriteString("mimeType", Header(r.Headers, "Content-Type") ?? "x-unknown");
        if (done.Body.Size > 0)
        {
            if (BodyPreview.AsText(done.Body.Kept) is { } text)
            {
                w.WriteString("text", text);
            }
            else
            {
                w.WriteString("text", Convert.ToBase64String(done.Body.Kept));
                w.WriteString("encoding", "base64");
            }

            w.WriteBoolean("_truncated", done.Body.Truncated);
        }

        w.WriteEndObject();
        w.WriteString("redirectURL", r.Redirects > 0 && r.FinalUrl is { } f ? Masking.Url(f.OriginalString, unmask) : string.Empty);
        w.WriteNumber("headersSize", -1);
        w.WriteNumber("bodySize", done.Body.Size);
        if (done.Cancelled || r.Status == 0)
        {
            w.WriteString("_error", done.Cancelled ? "cancelled" : r.Error);
        }

        w.WriteEndObject();
        w.WriteStartObject("cache");
        w.WriteEndObject();
        timings.Write(w);
        w.WriteString("_resourceType", "fetch");
        w.WriteString("_script", http.Script);
        w.WriteNumber("_redirects", r.Redirects);
        w.WriteNumber("_attempts", r.Attempts);
        w.WriteNumber("_waited", r.Waited.TotalMilliseconds);
        w.WriteBoolean("_cancelled", done.Cancelled);
        w.WriteEndObject();
    }

    private static void WebSocketEntry(Utf8JsonWriter w, IReadOnlyList<WsItem> events, bool unmask)
    {
        var first = events[0];
        var url = events.Select(e => e.Url).FirstOrDefault(u => u is not null) ?? string.Empty;
        var close = events.LastOrDefault(e => e.Event is WebSocketObservationKind.Closed or WebSocketObservationKind.Failed);
        var opened = events.Any(e => e.Event == WebSocketObservationKind.Opened);
        w.WriteStartObject();
        w.WriteString("startedDateTime", Iso(first.At));
        w.WriteNumber("time", (events[^1].At - first.At).TotalMilliseconds);
        w.WriteStartObject("request");
        w.WriteString("method", "GET");
        w.WriteString("url", Masking.Url(url, unmask));
        w.WriteString("httpVersion", "HTTP/1.1");
        Cookies(w);
        Headers(w, [], unmask);
        w.WriteStartArray("queryString");
        w.WriteEndArray();
        w.WriteNumber("headersSize", -1);
        w.WriteNumber("bodySize", 0);
        w.WriteEndObject();
        w.WriteStartObject("response");
        w.WriteNumber("status", opened ? 101 : 0);
        w.WriteString("statusText", opened ? "Switching Protocols" : string.Empty);
        w.WriteString("httpVersion", "HTTP/1.1");
        Cookies(w);
        Headers(w, [], unmask);
        w.WriteStartObject("content");
        w.WriteNumber("size", 0);
        w.WriteString("mimeType", "x-unknown");
        w.WriteEndObject();
        w.WriteString("redirectURL", string.Empty);
        w.WriteNumber("headersSize", -1);
        w.WriteNumber("bodySize", 0);
        w.WriteEndObject();
        w.WriteStartObject("cache");
        w.WriteEndObject();
        // The connection's life counts as receive, so the timings add up to its time as HAR requires.
        new HarTimings(0, -1, 0, (events[^1].At - first.At).TotalMilliseconds).Write(w);
        w.WriteString("_resourceType", "websocket");
        w.WriteString("_script", first.Script);
        w.WriteString("_side", first.Side == WebSocketSide.Client ? "client" : "server");
        if (close?.CloseCode is { } code)
        {
            w.WriteNumber("_closeCode", code);
        }

        w.WriteStartArray("_webSocketMessages");
        foreach (var m in events.Where(e => e.Event is WebSocketObservationKind.Sent or WebSocketObservationKind.Received))
        {
            w.WriteStartObject();
            w.WriteString("type", m.Event == WebSocketObservationKind.Sent ? "send" : "receive");
            w.WriteNumber("time", m.At.ToUnixTimeMilliseconds() / 1000.0);
            w.WriteNumber("opcode", m.Binary ? 2 : 1);
            w.WriteString("data", m.Binary ? Convert.ToBase64String(m.Payload.Kept) : Encoding.UTF8.GetString(m.Payload.Kept));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Cookies(Utf8JsonWriter w)
    {
        w.WriteStartArray("cookies");
        w.WriteEndArray();
    }

    private static void Headers(Utf8JsonWriter w, IReadOnlyList<KeyValuePair<string, string>> headers, bool unmask)
    {
        w.WriteStartArray("headers");
        foreach (var (name, value) in headers)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("value", Masking.Header(name, value, unmask));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void QueryString(Utf8JsonWriter w, Uri url, bool unmask)
    {
        w.WriteStartArray("queryString");
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            w.WriteStartObject();
            w.WriteString("name", Uri.UnescapeDataString(name));
            w.WriteString("value", !unmask && Masking.IsSecretParameter(name) ? Masking.Mask : Uri.UnescapeDataString(value));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string? Header(IReadOnlyList<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
