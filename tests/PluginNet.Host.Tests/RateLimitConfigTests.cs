using PluginNet.Core.Transports;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;

namespace PluginNet.Host.Tests;

/// <summary>
/// <c>limits.http.rate_limits</c> and <c>max_hold_s</c> in plugins.json, and what the governor makes of a
/// server's Retry-After and X-RateLimit-* headers (both forms, and the absurd ones).
/// </summary>
public class RateLimitConfigTests
{
    private const string File = "/cfg/plugins.json";
    private static readonly Uri Discord = new("https://discord.com/api/webhooks/1/x");

    [Fact]
    public void RateLimits_ReadPerHostAndStar_AppliedToEngineOptions()
    {
        var limits = Parse("""
            { "http": { "max_hold_s": 120, "rate_limits": {
              "Discord.com": { "per_second": 5, "burst": 5 },
              "*": { "per_second": 0.5 } } } }
            """).Http.RateLimits;

        Assert.Equal(new HostRateLimit(5, 5), limits.For("discord.com"));
        Assert.Equal(new HostRateLimit(0.5, 1), limits.For("api.github.com"));
        Assert.Equal(TimeSpan.FromSeconds(120), limits.MaxHold);
        Assert.Same(limits, new EngineOptions().WithLimits(Parse("""{ "http": { "rate_limits": {} } }""") with { Http = new HttpLimits { RateLimits = limits } }).HttpRateLimits);
    }

    [Fact]
    public void NoRateLimits_NoRatesAndAMinuteOfHold()
    {
        var limits = Parse("""{ "http": { "max_concurrent_per_script": 2 } }""").Http.RateLimits;

        Assert.Same(HttpRateLimits.None, limits);
        Assert.Null(limits.For("discord.com"));
        Assert.Equal(TimeSpan.FromSeconds(60), limits.MaxHold);
    }

    [Theory]
    [InlineData("""{ "rate_limits": [] }""", "limits.http.rate_limits", "must be an object of host names such as { \"discord.com\": { \"per_second\": 5, \"burst\": 5 } }, not an array")]
    [InlineData("""{ "rate_limits": { "discord.com": 5 } }""", "limits.http.rate_limits.discord.com", "must be an object such as { \"per_second\": 5, \"burst\": 5 }, not the number 5")]
    [InlineData("""{ "rate_limits": { "discord.com": { "burst": 5 } } }""", "limits.http.rate_limits.discord.com.per_second", "missing: how many requests per second this host is sent at most")]
    [InlineData("""{ "rate_limits": { "discord.com": { "per_second": "5" } } }""", "limits.http.rate_limits.discord.com.per_second", "must be a number from 0.001 to 1000, not the string \"5\"")]
    [InlineData("""{ "rate_limits": { "discord.com": { "per_second": 0 } } }""", "limits.http.rate_limits.discord.com.per_second", "0 is out of range: must be a number from 0.001 to 1000")]
    [InlineData("""{ "rate_limits": { "discord.com": { "per_second": 5, "burst": 2.5 } } }""", "limits.http.rate_limits.discord.com.burst", "must be a whole number from 1 to 1000, not 2.5")]
    [InlineData("""{ "rate_limits": { "discord.com": { "per_second": 5, "brust": 2 } } }""", "limits.http.rate_limits.discord.com.brust", "unknown field (did you mean burst? expected per_second, burst)")]
    [InlineData("""{ "rate_limits": { "https://discord.com": { "per_second": 5 } } }""", "limits.http.rate_limits.https://discord.com", "is not a host name (give it as in the URL, e.g. \"discord.com\" or \"127.0.0.1\", or \"*\" for every other host)")]
    [InlineData("""{ "max_hold_s": 0 }""", "limits.http.max_hold_s", "0 is out of range: must be a number of seconds from 1 to 3600")]
    public void MalformedRateLimits_NamesFileAndField(string http, string field, string problem)
    {
        var error = Assert.Throws<PluginConfigException>(() => Parse($$"""{ "http": {{http}} }"""));

        Assert.Equal(File, error.FilePath);
        Assert.Equal(field, error.Field);
        Assert.Equal($"{File}: {field}: {problem}", error.Message);
    }

    [Fact]
    public void RetryAfterSeconds_On429_HoldsTheHost()
    {
        var (asked, problem) = Governor().Observe(Discord, "POST", Response(429, ("Retry-After", "2")));

        Assert.Equal(TimeSpan.FromSeconds(2), asked.Wait);
        Assert.Null(problem);
    }

    [Fact]
    public void RetryAfterHttpDate_On503_WaitsUntilThatTime()
    {
        var now = DateTimeOffset.UtcNow;
        var when = now.AddSeconds(10);

        var asked = ServerWait.Read(Response(503, ("Retry-After", when.ToString("r", System.Globalization.CultureInfo.InvariantCulture))), now);

        Assert.InRange(asked.Wait!.Value.TotalSeconds, 9, 10);
    }

    [Fact]
    public void RetryAfter_On200_IsNotAHold()
    {
        Assert.Null(ServerWait.Read(Response(200, ("Retry-After", "5")), DateTimeOffset.UtcNow).Wait);
    }

    [Fact]
    public void RemainingZero_WithResetAfterOrReset_HoldsTheNamedBucket()
    {
        var now = DateTimeOffset.UtcNow;
        var resetAfter = ServerWait.Read(Response(200, ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset-After", "1.5"), ("X-RateLimit-Bucket", "abc")), now);
        var reset = ServerWait.Read(Response(200, ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", (now.ToUnixTimeSeconds() + 3).ToString(System.Globalization.CultureInfo.InvariantCulture))), now);
        var remaining = ServerWait.Read(Response(200, ("X-RateLimit-Remaining", "4"), ("X-RateLimit-Reset-After", "1.5")), now);

        Assert.Equal((TimeSpan.FromSeconds(1.5), "abc"), (resetAfter.Wait, resetAfter.Bucket));
        Assert.InRange(reset.Wait!.Value.TotalSeconds, 2, 3);
        Assert.Null(remaining.Wait);
    }

    [Theory]
    [InlineData("-5", "Retry-After '-5' is negative; taken as 0")]
    [InlineData("soon", "Retry-After 'soon' is neither seconds nor an HTTP-date; ignored")]
    [InlineData("Mon, 01 Jan 1990 00:00:00 GMT", "Retry-After 'Mon, 01 Jan 1990 00:00:00 GMT' lies in the past; taken as 0")]
    public void AbsurdRetryAfter_ReportedAndNotAHold(string value, string expected)
    {
        var governor = Governor();

        var (asked, problem) = governor.Observe(Discord, "GET", Response(429, ("Retry-After", value)));

        Assert.Equal(expected, problem);
        Assert.True(asked.Wait is null || asked.Wait == TimeSpan.Zero);
        Assert.Empty(governor.Holds());
    }

    [Fact]
    public void RetryAfterHoursAway_HoldCutToMaxHoldAndReported()
    {
        var governor = Governor();

        var (_, problem) = governor.Observe(Discord, "GET", Response(429, ("Retry-After", "7200")));

        Assert.Equal("discord.com asked to wait 7200 s; holding its requests 60 s (limits.http.max_hold_s)", problem);
        var (target, left) = Assert.Single(governor.Holds());
        Assert.Equal("discord.com", target);
        Assert.InRange(left.TotalSeconds, 55, 60);
    }

    private static HttpGovernor Governor() => new(HttpRateLimits.None);

    private static HttpResult Response(int status, params (string Name, string Value)[] headers) =>
        HttpResult.FromResponse(status, [], null) with { Headers = [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))] };

    private static ConfigLimits Parse(string limits) => PluginConfig.Parse(File, $$"""{ "plugins": [], "limits": {{limits}} }""").Limits;
}
