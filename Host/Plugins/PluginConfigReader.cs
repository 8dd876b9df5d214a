using System.Text.Json;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>Turns the JSON of <c>plugins.json</c> into a <see cref="PluginConfig"/>, field by field, with precise errors.</summary>
internal sealed class PluginConfigReader(string filePath)
{
    private static readonly string[] TopLevelFields = ["plugins", "transports", "ws_server", "permissions", "limits", "tls", "$schema", "comment"];

    public PluginConfig Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Fail("", $"the file must hold a JSON object, not {Describe(root)}");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!TopLevelFields.Contains(property.Name))
            {
                throw Fail(property.Name, $"unknown field (expected one of: {string.Join(", ", TopLevelFields[..6])})");
            }
        }

        var plugins = ReadPlugins(root);
        var transports = ReadTransports(root, plugins);
        var origins = ReadAllowedOrigins(root);
        return new PluginConfig(filePath, plugins, transports, origins, ReadPermissions(root))
        {
            Limits = new LimitsReader(filePath).Read(root),
            Tls = new TlsReader(filePath).Read(root),
        };
    }

    private List<PluginEntry> ReadPlugins(JsonElement root)
    {
        if (!root.TryGetProperty("plugins", out var list))
        {
            throw Fail("plugins", "missing: list the plugins to load, e.g. [{ \"name\": \"Http\", \"path\": \"...dll\" }]");
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Fail("plugins", $"must be an array, not {Describe(list)}");
        }

        var plugins = new List<PluginEntry>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"plugins[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Fail(at, $"must be an object with \"name\" and \"path\", not {Describe(item)}");
            }

            var name = RequiredString(item, at, "name");
            var path = RequiredString(item, at, "path");
            var enabled = true;
            if (item.TryGetProperty("enabled", out var flag))
            {
                enabled = flag.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Fail($"{at}.enabled", $"must be true or false, not {Describe(flag)}"),
                };
            }

            if (plugins.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw Fail($"{at}.name", $"\"{name}\" is used by an earlier plugin; names must be unique");
            }

            var full = Path.GetFullPath(path, Path.GetDirectoryName(filePath)!);
            plugins.Add(new PluginEntry(name, full, enabled, ReadSettings(item, at), Path.GetDirectoryName(filePath)));
        }

        return plugins;
    }

    private Dictionary<string, string> ReadSettings(JsonElement item, string at)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!item.TryGetProperty("settings", out var value))
        {
            return settings;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"{at}.settings", $"must be an object of simple values, not {Describe(value)}");
        }

        foreach (var setting in value.EnumerateObject())
        {
            settings[setting.Name] = setting.Value.ValueKind switch
            {
                JsonValueKind.String => setting.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => setting.Value.GetRawText(),
                _ => throw Fail($"{at}.settings.{setting.Name}", $"must be a string, number or boolean, not {Describe(setting.Value)}"),
            };
        }

        return settings;
    }

    private Dictionary<TransportKind, string> ReadTransports(JsonElement root, List<PluginEntry> plugins)
    {
        var chosen = new Dictionary<TransportKind, string>();
        if (!root.TryGetProperty("transports", out var map))
        {
            return chosen;
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            throw Fail("transports", $"must be an object such as {{ \"http\": \"Http\" }}, not {Describe(map)}");
        }

        foreach (var property in map.EnumerateObject())
        {
            var at = $"transports.{property.Name}";
            if (!TransportKind.TryParse(property.Name, out var kind))
            {
                throw Fail(at, $"unknown transport (expected {TransportKind.KeyList("or")})");
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail(at, $"must be the name of a plugin, not {Describe(property.Value)}");
            }

            var name = property.Value.GetString()!;
            var plugin = plugins.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw Fail(at, $"no plugin named \"{name}\" in plugins (known: {string.Join(", ", plugins.Select(p => p.Name))})");
            if (!plugin.Enabled)
            {
                // Another plugin would serve the transport instead: live traffic where the user expects, say, a replay.
                throw Fail(at, $"plugin \"{plugin.Name}\" is disabled (\"enabled\": false in plugins[{plugins.IndexOf(plugin)}]), so it cannot serve {kind.Key}; enable it, or name an enabled plugin");
            }

            chosen[kind] = plugin.Name;
        }

        return chosen;
    }

    private List<string> ReadAllowedOrigins(JsonElement root)
    {
        var origins = new List<string>();
        if (!root.TryGetProperty("ws_server", out var server))
        {
            return origins;
        }

        if (server.ValueKind != JsonValueKind.Object)
        {
            throw Fail("ws_server", $"must be an object, not {Describe(server)}");
        }

        if (!server.TryGetProperty("allowed_origins", out var list))
        {
            return origins;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Fail("ws_server.allowed_origins", $"must be an array of strings, not {Describe(list)}");
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw Fail($"ws_server.allowed_origins[{index}]", $"must be a string such as \"https://example.com\", not {Describe(item)}");
            }

            origins.Add(item.GetString()!);
            index++;
        }

        return origins;
    }

    private NetPermissions ReadPermissions(JsonElement root)
    {
        if (!root.TryGetProperty("permissions", out var section))
        {
            return NetPermissions.AllowAll;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            throw Fail("permissions", $"must be an object with \"default\" and/or \"scripts\", not {Describe(section)}");
        }

        var defaults = section.TryGetProperty("default", out var d) ? ReadRules(d, "permissions.default") : ScriptPermissions.AllowAll;
        var scripts = new Dictionary<string, ScriptPermissions>(StringComparer.OrdinalIgnoreCase);
        if (section.TryGetProperty("scripts", out var perScript))
        {
            if (perScript.ValueKind != JsonValueKind.Object)
            {
                throw Fail("permissions.scripts", $"must map script file names to rules, not {Describe(perScript)}");
            }

            foreach (var script in perScript.EnumerateObject())
            {
                scripts[script.Name] = ReadRules(script.Value, $"permissions.scripts.{script.Name}");
            }
        }

        foreach (var field in section.EnumerateObject().Where(f => f.Name is not ("default" or "scripts")))
        {
            throw Fail($"permissions.{field.Name}", "unknown field (expected default or scripts)");
        }

        return new NetPermissions(defaults, scripts);
    }

    // { "http": ["api.example.com", "*.example.com"], "ws": [], "listen": [8080] }; a missing list allows
    // what its transport allows by default. Which lists exist is up to the transports' permission rules.
    private ScriptPermissions ReadRules(JsonElement rules, string at)
    {
        var known = PermissionRule.All;
        if (rules.ValueKind != JsonValueKind.Object)
        {
            var example = string.Join(", ", known.Select(r => $"\"{r.Field}\": {r.Example}"));
            throw Fail(at, $"must be an object such as {{ {example} }}, not {Describe(rules)}");
        }

        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var field in rules.EnumerateObject())
        {
            var rule = known.FirstOrDefault(r => r.Field == field.Name)
                ?? throw Fail($"{at}.{field.Name}", $"unknown field (expected {TransportKind.Join(known.Select(r => r.Field), "or")})");
            lists[rule.Field] = rule.Read(field.Value, out var problem)
                ?? throw Fail($"{at}.{field.Name}", $"{problem}, not {Describe(field.Value)}");
        }

        return new ScriptPermissions(lists);
    }

    private string RequiredString(JsonElement item, string at, string field)
    {
        if (!item.TryGetProperty(field, out var value))
        {
            throw Fail($"{at}.{field}", "missing");
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw Fail($"{at}.{field}", $"must be a non-empty string, not {Describe(value)}");
        }

        return value.GetString()!;
    }

    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };

    private PluginConfigException Fail(string field, string problem) => new(filePath, field, problem);
}
