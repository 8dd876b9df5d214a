using System.Text.Json;
using PluginNet.Core.Observation;
using PluginNet.Plugins.Inspector.Store;

namespace PluginNet.Plugins.Inspector.Render;

/// <summary>
/// Items as the page reads them: a summary for the tables (sent live) and a detail for the detail pane
/// (asked for on a click: headers, body previews). Secrets are masked unless <c>unmask</c>.
/// </summary>
internal static class ItemJson
{
    // A summary's preview: enough for a table cell and the text filter.
    private const int SummaryPreviewChars = 256;

    public static void Summary(Utf8JsonWriter w, Item item, int previewChars)
    {
        w.WriteStartObject();
        w.WriteNumber("seq", item.Seq);
        w.WriteString("kind", item.Kind);
        w.WriteString("script", item.Script);
        w.WriteNumber("at", item.At.ToUnixTimeMilliseconds());
        switch (item)
        {
            case HttpItem http:
                HttpSummary(w, http);
                break;
            case WsItem ws:
                w.WriteString("side", ws.Side == WebSocketSide.Client ? "client" : "server");
                w.WriteString("conn", ws.ConnectionKey);
                w.WriteNumber("connection", ws.Connection);
                w.WriteNumber("client", ws.Client);
                w.WriteString("event", ws.Event.ToString());
                Optional(w, "url", ws.Url);
                w.WriteBoolean("binary", ws.Binary);
                PayloadSummary(w, ws.Payload, ws.Binary, Math.Min(previewChars, SummaryPreviewChars));
                Optional(w, "closeCode", ws.CloseCode);
                Optional(w, "closeReason", ws.CloseReason);
                Optional(w, "error", ws.Error);
                break;
            case UdpItem udp:
                w.WriteString("sock", udp.SocketKey);
                w.WriteNumber("socket", udp.Socket);
                w.WriteString("event", udp.Event.ToString());
                Optional(w, "local", udp.Local);
                Optional(w, "remote", udp.Remote);
                PayloadSummary(w, udp.Payload, false, Math.Min(previewChars, SummaryPreviewChars));
                Optional(w, "error", udp.Error);
                break;
            case ScriptItem script:
                w.WriteString("event", script.Event.ToString());
                Optional(w, "message", script.Message);
                Optional(w, "traceback", script.Traceback);
                break;
        }

        w.WriteEndObject();
    }

    public static void Detail(Utf8JsonWriter w, Item item, bool unmask, int previewChars)
    {
        w.WriteStartObject();
        w.WriteNumber("seq", item.Seq);
        w.WriteString("kind", item.Kind);
        switch (item)
        {
            case HttpItem http:
                w.WriteString("url", Masking.Url(http.Url.OriginalString, unmask));
                w.WriteBoolean("hasSecrets", Masking.HasSecrets(http.RequestHeaders.Concat(http.Done?.Result.Headers ?? []), http.Url.OriginalString));
                Headers(w, "requestHeaders", http.RequestHeaders, unmask);
                Body(w, "requestBody", http.RequestBody, false, previewChars);
                if (http.Done is { } done)
                {
                    Headers(w, "responseHeaders", done.Result.Headers, unmask);
                    Body(w, "responseBody", done.Body, false, previewChars);
                    w.WriteString("failureKind", done.Result.FailureKind.ToString());
                }

                break;
            case WsItem ws:
                Body(w, "payload", ws.Payload, ws.Binary, previewChars);
                break;
            case UdpItem udp:
                Body(w, "payload", udp.Payload, false, previewChars);
                break;
        }

        w.WriteEndObject();
    }

    private static void HttpSummary(Utf8JsonWriter w, HttpItem http)
    {
        w.WriteNumber("id", http.Id);
        w.WriteString("method", http.Method);
        w.WriteString("url", Masking.Url(http.Url.OriginalString, unmask: false));
        w.WriteNumber("queuedMs", http.Queued.TotalMilliseconds);
        w.WriteNumber("requestSize", http.RequestBody.Size);
        if (http.Done is not { } done)
        {
            w.WriteString("state", "pending");
            return;
        }

        var r = done.Result;
        w.WriteString("state", done.Cancelled ? "cancelled" : r.Status == 0 ? "failed" : "done");
        w.WriteNumber("status", r.Status);
        w.WriteBoolean("ok", r.Ok);
        Optional(w, "error", r.Error.Length == 0 ? null : r.Error);
        w.WriteNumber("durationMs", done.Duration.TotalMilliseconds);
        w.WriteNumber("waitedMs", r.Waited.TotalMilliseconds);
        w.WriteNumber("attempts", r.Attempts);
        w.WriteNumber("redirects", r.Redirects);
        Optional(w, "finalUrl", r.FinalUrl is { } f ? Masking.Url(f.OriginalString, unmask: false) : null);
        Optional(w, "connectedMs", r.Timings?.Connected?.TotalMilliseconds);
        Optional(w, "firstByteMs", r.Timings?.FirstByte?.TotalMilliseconds);
        w.WriteNumber("responseSize", done.Body.Size);
        Optional(w, "mimeType", r.Headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value);
    }

    private static void PayloadSummary(Utf8JsonWriter w, Payload payload, bool binary, int chars)
    {
        w.WriteNumber("size", payload.Size);
        var (format, text) = BodyPreview.Render(payload, binary, chars);
        w.WriteString("format", format);
        w.WriteString("preview", format == "json" ? text.ReplaceLineEndings(" ") : text);
    }

    private static void Headers(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, string>> headers, bool unmask)
    {
        w.WriteStartArray(name);
        foreach (var (key, value) in headers)
        {
            w.WriteStartObject();
            w.WriteString("name", key);
            w.WriteString("value", Masking.Header(key, value, unmask));
            w.WriteBoolean("masked", !unmask && Masking.IsSecretHeader(key));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Body(Utf8JsonWriter w, string name, Payload payload, bool binary, int chars)
    {
        var (format, text) = BodyPreview.Render(payload, binary, chars);
        w.WriteStartObject(name);
        w.WriteNumber("size", payload.Size);
        w.WriteNumber("kept", payload.Kept.Length);
        w.WriteBoolean("truncated", payload.Truncated || text.Length >= chars);
        w.WriteString("format", format);
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Optional(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void Optional(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }
}
