using System.Text.Json;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>Reads the <c>limits</c> section of <c>plugins.json</c>: every field typed and range-checked, errors naming the field.</summary>
internal sealed class LimitsReader(string filePath)
{
    private const long MaxBodyBytes = 64L * 1024 * 1024;
    private const long MaxQueueBytes = 1024L * 1024 * 1024;
    private static readonly string[] Areas = ["engine", "http", "ws", "ws_server", "udp"];
    private static readonly string[] EngineFields = ["callback_budget_ms", "callback_time_limit_ms", "max_script_memory_bytes", "max_pattern_steps"];
    private static readonly string[] HttpFields = ["max_concurrent_per_script", "default_timeout_s", "max_body_bytes", "rate_limits", "max_hold_s"];
    private static readonly string[] WsFields = ["max_message_bytes"];
    private static readonly string[] WsServerFields =
    [
        "max_message_bytes", "max_queued_bytes_per_client", "max_request_head_bytes", "max_request_body_bytes",
        "request_timeout_s", "answer_timeout_s", "max_concurrent_requests",
        "max_reassembly_bytes_per_server", "max_reassembly_bytes_per_process",
    ];
    private static readonly string[] UdpFields = ["max_queued_bytes_per_socket"];

    public ConfigLimits Read(JsonElement root)
    {
        if (!root.TryGetProperty("limits", out var section))
        {
            return ConfigLimits.Defaults;
        }

        RequireObject(section, "limits", "{ \"http\": { \"max_concurrent_per_script\": 4 } }");
        foreach (var area in section.EnumerateObject())
        {
            CheckKnown($"limits.{area.Name}", area.Name, Areas, "area");
        }

        var engine = EngineLimits.Defaults;
        if (section.TryGetProperty("engine", out var e))
        {
            var fields = Fields(e, "engine", EngineFields);
            engine = new EngineLimits(
                (int)Whole(fields, "engine", "callback_budget_ms", 1, 1000, engine.CallbackBudgetMs),
                (int)Whole(fields, "engine", "callback_time_limit_ms", 10, 60_000, engine.CallbackTimeLimitMs),
                Whole(fields, "engine", "max_script_memory_bytes", 1024L * 1024, 1L << 40, engine.MaxScriptMemoryBytes),
                Whole(fields, "engine", "max_pattern_steps", 10_000, 1L << 50, engine.MaxPatternSteps));
        }

        var http = HttpLimits.Defaults;
        if (section.TryGetProperty("http", out var h))
        {
            var fields = Fields(h, "http", HttpFields);
            http = new HttpLimits(
                (int)Whole(fields, "http", "max_concurrent_per_script", 1, 1024, http.MaxConcurrentPerScript),
                (int)Whole(fields, "http", "default_timeout_s", 1, 86_400, http.DefaultTimeoutS),
                Whole(fields, "http", "max_body_bytes", 1, MaxBodyBytes, http.MaxBodyBytes))
            {
                RateLimits = new RateLimitsReader(filePath).Read(
                    fields.TryGetValue("rate_limits", out var rates) ? rates : null,
                    fields.TryGetValue("max_hold_s", out var hold) ? hold : null),
            };
        }

        var ws = WsLimits.Defaults;
        if (section.TryGetProperty("ws", out var w))
        {
            var fields = Fields(w, "ws", WsFields);
            ws = new WsLimits(Whole(fields, "ws", "max_message_bytes", 1, MaxBodyBytes, ws.MaxMessageBytes));
        }

        var server = WsServerLimits.Defaults;
        if (section.TryGetProperty("ws_server", out var s))
        {
            var fields = Fields(s, "ws_server", WsServerFields);
            server = new WsServerLimits(
                Whole(fields, "ws_server", "max_message_bytes", 1, MaxBodyBytes, server.MaxMessageBytes),
                Whole(fields, "ws_server", "max_queued_bytes_per_client", 65_536, MaxQueueBytes, server.MaxQueuedBytesPerClient),
                (int)Whole(fields, "ws_server", "max_request_head_bytes", 4096, 1024 * 1024, server.MaxRequestHeadBytes),
                Whole(fields, "ws_server", "max_request_body_bytes", 0, MaxBodyBytes, server.MaxRequestBodyBytes),
                (int)Whole(fields, "ws_server", "request_timeout_s", 1, 3600, server.RequestTimeoutS),
                (int)Whole(fields, "ws_server", "answer_timeout_s", 1, 3600, server.AnswerTimeoutS),
                (int)Whole(fields, "ws_server", "max_concurrent_requests", 1, 10_000, server.MaxConcurrentRequests),
                Whole(fields, "ws_server", "max_reassembly_bytes_per_server", 65_536, 1L << 40, server.MaxReassemblyBytesPerServer),
                Whole(fields, "ws_server", "max_reassembly_bytes_per_process", 65_536, 1L << 40, server.MaxReassemblyBytesPerProcess));
        }

        var udp = UdpLimits.Defaults;
        if (section.TryGetProperty("udp", out var u))
        {
            var fields = Fields(u, "udp", UdpFields);
            udp = new UdpLimits(Whole(fields, "udp", "max_queued_bytes_per_socket", 65_507, MaxQueueBytes, udp.MaxQueuedBytesPerSocket));
        }

        return new ConfigLimits(engine, http, ws, server, udp);
    }

    private Dictionary<string, JsonElement> Fields(JsonElement area, string name, string[] known)
    {
        RequireObject(area, $"limits.{name}", $"{{ \"{known[0]}\": ... }}");
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var field in area.EnumerateObject())
        {
            CheckKnown($"limits.{name}.{field.Name}", field.Name, known, "field");
            fields[field.Name] = field.Value;
        }

        return fields;
    }

    private long Whole(Dictionary<string, JsonElement> fields, string area, string field, long min, long max, long fallback)
    {
        if (!fields.TryGetValue(field, out var value))
        {
            return fallback;
        }

        var at = $"limits.{area}.{field}";
        var range = $"a whole number from {min} to {max}";
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw Fail(at, $"must be {range}, not {PluginConfigReader.Describe(value)}");
        }

        return number >= min && number <= max ? number : throw Fail(at, $"{number} is out of range: must be {range}");
    }

    private void RequireObject(JsonElement value, string at, string example)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(at, $"must be an object such as {example}, not {PluginConfigReader.Describe(value)}");
        }
    }

    private void CheckKnown(string at, string name, string[] known, string what)
    {
        if (known.Contains(name, StringComparer.Ordinal))
        {
            return;
        }

        var hint = NearestName.Find(name, known) is { } near ? $"did you mean {near}? " : string.Empty;
        throw Fail(at, $"unknown {what} ({hint}expected {string.Join(", ", known)})");
    }

    private PluginConfigException Fail(string field, string problem) => new(filePath, field, problem);
}
