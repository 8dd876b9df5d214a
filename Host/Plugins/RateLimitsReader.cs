using System.Text.Json;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>
/// Reads <c>limits.http.rate_limits</c> and <c>limits.http.max_hold_s</c> of <c>plugins.json</c>:
/// <c>{ "discord.com": { "per_second": 5, "burst": 5 }, "*": { "per_second": 20, "burst": 10 } }</c>.
/// Every problem names the file and the field.
/// </summary>
internal sealed class RateLimitsReader(string filePath)
{
    private const string At = "limits.http.rate_limits";
    private static readonly string[] Fields = ["per_second", "burst"];

    public HttpRateLimits Read(JsonElement? rateLimits, JsonElement? maxHold)
    {
        if (rateLimits is null && maxHold is null)
        {
            return HttpRateLimits.None;
        }

        var hold = HttpRateLimits.DefaultMaxHold;
        if (maxHold is { } seconds)
        {
            hold = TimeSpan.FromSeconds(Number(seconds, "limits.http.max_hold_s", 1, 3600, "a number of seconds from 1 to 3600"));
        }

        var byHost = new Dictionary<string, HostRateLimit>(StringComparer.Ordinal);
        if (rateLimits is { } table)
        {
            if (table.ValueKind != JsonValueKind.Object)
            {
                throw Fail(At, $"must be an object of host names such as {{ \"discord.com\": {{ \"per_second\": 5, \"burst\": 5 }} }}, not {PluginConfigReader.Describe(table)}");
            }

            foreach (var host in table.EnumerateObject())
            {
                byHost[CheckHost(host.Name)] = ReadRate(host.Value, $"{At}.{host.Name}");
            }
        }

        return new HttpRateLimits(byHost, hold);
    }

    private string CheckHost(string name)
    {
        if (name == "*")
        {
            return name;
        }

        if (name.Length == 0 || Uri.CheckHostName(name) == UriHostNameType.Unknown)
        {
            throw Fail($"{At}.{name}", "is not a host name (give it as in the URL, e.g. \"discord.com\" or \"127.0.0.1\", or \"*\" for every other host)");
        }

        return name.ToLowerInvariant();
    }

    private HostRateLimit ReadRate(JsonElement rate, string at)
    {
        if (rate.ValueKind != JsonValueKind.Object)
        {
            throw Fail(at, $"must be an object such as {{ \"per_second\": 5, \"burst\": 5 }}, not {PluginConfigReader.Describe(rate)}");
        }

        JsonElement? perSecond = null;
        JsonElement? burst = null;
        foreach (var field in rate.EnumerateObject())
        {
            switch (field.Name)
            {
                case "per_second":
                    perSecond = field.Value;
                    break;
                case "burst":
                    burst = field.Value;
                    break;
                default:
                    var hint = NearestName.Find(field.Name, Fields) is { } near ? $"did you mean {near}? " : string.Empty;
                    throw Fail($"{at}.{field.Name}", $"unknown field ({hint}expected per_second, burst)");
            }
        }

        if (perSecond is null)
        {
            throw Fail($"{at}.per_second", "missing: how many requests per second this host is sent at most");
        }

        var perSecondValue = Number(perSecond.Value, $"{at}.per_second", 0.001, 1000, "a number from 0.001 to 1000");
        var burstValue = burst is { } b ? Number(b, $"{at}.burst", 1, 1000, "a whole number from 1 to 1000") : 1;
        if (burstValue != Math.Floor(burstValue))
        {
            throw Fail($"{at}.burst", $"must be a whole number from 1 to 1000, not {burstValue}");
        }

        return new HostRateLimit(perSecondValue, (int)burstValue);
    }

    private double Number(JsonElement value, string at, double min, double max, string range)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw Fail(at, $"must be {range}, not {PluginConfigReader.Describe(value)}");
        }

        return number >= min && number <= max ? number : throw Fail(at, $"{number} is out of range: must be {range}");
    }

    private PluginConfigException Fail(string field, string problem) => new(filePath, field, problem);
}
