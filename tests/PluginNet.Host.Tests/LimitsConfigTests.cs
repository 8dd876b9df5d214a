using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;

namespace PluginNet.Host.Tests;

/// <summary>The <c>limits</c> section of <c>plugins.json</c>: defaults when absent, every field typed and range-checked.</summary>
public class LimitsConfigTests
{
    private const string File = "/cfg/plugins.json";

    [Fact]
    public void NoLimitsSection_EveryAreaAtTodaysDefaults()
    {
        var limits = Parse("").Limits;
        var options = new EngineOptions();

        Assert.Equal(new EngineLimits(4, 250), limits.Engine);
        Assert.Equal(new HttpLimits(16, 10, 64L * 1024 * 1024), limits.Http);
        Assert.Equal(new WsLimits(64L * 1024 * 1024), limits.Ws);
        Assert.Equal(new WsServerLimits(64L * 1024 * 1024, 16L * 1024 * 1024), limits.WsServer);
        Assert.Equal(new UdpLimits(4L * 1024 * 1024), limits.Udp);
        Assert.Equal(options, options.WithLimits(limits));
    }

    [Fact]
    public void GivenFields_ReadAndApplied_OthersKeepTheirDefaults()
    {
        var config = Parse("""
            , "limits": {
              "engine": { "callback_time_limit_ms": 100 },
              "http": { "max_concurrent_per_script": 2, "default_timeout_s": 3, "max_body_bytes": 1048576 }
            }
            """);

        var options = new EngineOptions().WithLimits(config.Limits);

        Assert.Equal(new EngineLimits(4, 100), config.Limits.Engine);
        Assert.Equal(TimeSpan.FromMilliseconds(4), options.CallbackBudget);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.CallbackTimeLimit);
        Assert.Equal(2, options.MaxConcurrentRequestsPerScript);
        Assert.Equal(TimeSpan.FromSeconds(3), options.DefaultHttpTimeout);
        Assert.Equal(1048576, options.MaxHttpBodyBytes);
    }

    [Fact]
    public void TransportAreas_ReadIntoTheirRecords()
    {
        var limits = Parse("""
            , "limits": {
              "ws": { "max_message_bytes": 1000 },
              "ws_server": { "max_message_bytes": 2000, "max_queued_bytes_per_client": 65536 },
              "udp": { "max_queued_bytes_per_socket": 100000 }
            }
            """).Limits;

        var options = new EngineOptions().WithLimits(limits);

        Assert.Equal(new WsLimits(1000), options.Ws);
        Assert.Equal(new WsServerLimits(2000, 65536), options.WsServer);
        Assert.Equal(new UdpLimits(100000), options.Udp);
    }

    [Fact]
    public void WsServerHttpFields_ReadIntoTheRecord()
    {
        var limits = Parse("""
            , "limits": { "ws_server": { "max_request_head_bytes": 4096, "max_request_body_bytes": 0,
              "request_timeout_s": 2, "answer_timeout_s": 5, "max_concurrent_requests": 3 } }
            """).Limits;

        Assert.Equal(new WsServerLimits(64L * 1024 * 1024, 16L * 1024 * 1024, 4096, 0, 2, 5, 3), limits.WsServer);
        Assert.Equal(new WsServerLimits(64L * 1024 * 1024, 16L * 1024 * 1024, 32768, 1048576, 10, 30, 64), WsServerLimits.Defaults);
    }

    [Theory]
    [InlineData("""{ "ws_server": { "max_request_head_bytes": 100 } }""", "limits.ws_server.max_request_head_bytes", "100 is out of range: must be a whole number from 4096 to 1048576")]
    [InlineData("""{ "ws_server": { "max_request_body_bytes": 67108865 } }""", "limits.ws_server.max_request_body_bytes", "67108865 is out of range: must be a whole number from 0 to 67108864")]
    [InlineData("""{ "ws_server": { "request_timeout_s": 0 } }""", "limits.ws_server.request_timeout_s", "0 is out of range: must be a whole number from 1 to 3600")]
    [InlineData("""{ "ws_server": { "answer_timeout_s": 1.5 } }""", "limits.ws_server.answer_timeout_s", "must be a whole number from 1 to 3600, not the number 1.5")]
    [InlineData("""{ "ws_server": { "max_concurrent_requests": 0 } }""", "limits.ws_server.max_concurrent_requests", "0 is out of range: must be a whole number from 1 to 10000")]
    public void WrongWsServerHttpLimit_NamesFieldAndRange(string section, string field, string problem)
    {
        var error = Assert.Throws<PluginConfigException>(() => Parse($", \"limits\": {section}"));

        Assert.Equal($"{File}: {field}: {problem}", error.Message);
    }

    [Theory]
    [InlineData("""{ "engine": { "callback_budget_ms": "4" } }""", "limits.engine.callback_budget_ms", "must be a whole number from 1 to 1000, not the string \"4\"")]
    [InlineData("""{ "engine": { "callback_time_limit_ms": 2.5 } }""", "limits.engine.callback_time_limit_ms", "must be a whole number from 10 to 60000, not the number 2.5")]
    [InlineData("""{ "engine": { "callback_time_limit_ms": 5 } }""", "limits.engine.callback_time_limit_ms", "5 is out of range: must be a whole number from 10 to 60000")]
    [InlineData("""{ "http": { "max_concurrent_per_script": 0 } }""", "limits.http.max_concurrent_per_script", "0 is out of range: must be a whole number from 1 to 1024")]
    [InlineData("""{ "http": { "max_body_bytes": 67108865 } }""", "limits.http.max_body_bytes", "67108865 is out of range: must be a whole number from 1 to 67108864")]
    [InlineData("""{ "http": { "default_timeout_s": null } }""", "limits.http.default_timeout_s", "must be a whole number from 1 to 86400, not null")]
    [InlineData("""{ "http": { "max_concurent_per_script": 2 } }""", "limits.http.max_concurent_per_script", "unknown field (did you mean max_concurrent_per_script? expected max_concurrent_per_script, default_timeout_s, max_body_bytes, rate_limits, max_hold_s)")]
    [InlineData("""{ "ws": { "max_message_bytes": 67108865 } }""", "limits.ws.max_message_bytes", "67108865 is out of range: must be a whole number from 1 to 67108864")]
    [InlineData("""{ "ws_server": { "max_queued_bytes_per_client": 100 } }""", "limits.ws_server.max_queued_bytes_per_client", "100 is out of range: must be a whole number from 65536 to 1073741824")]
    [InlineData("""{ "udp": { "max_queued_bytes_per_socket": true } }""", "limits.udp.max_queued_bytes_per_socket", "must be a whole number from 65507 to 1073741824, not true")]
    [InlineData("""{ "udp": { "max_queue_bytes": 1 } }""", "limits.udp.max_queue_bytes", "unknown field (expected max_queued_bytes_per_socket)")]
    [InlineData("""{ "htp": {} }""", "limits.htp", "unknown area (did you mean http? expected engine, http, ws, ws_server, udp)")]
    [InlineData("""{ "http": 5 }""", "limits.http", "must be an object such as { \"max_concurrent_per_script\": ... }, not the number 5")]
    [InlineData("""[]""", "limits", "must be an object such as { \"http\": { \"max_concurrent_per_script\": 4 } }, not an array")]
    public void WrongLimit_NamesFileFieldAndAllowedRange(string section, string field, string problem)
    {
        var error = Assert.Throws<PluginConfigException>(() => Parse($", \"limits\": {section}"));

        Assert.Equal(File, error.FilePath);
        Assert.Equal(field, error.Field);
        Assert.Equal($"{File}: {field}: {problem}", error.Message);
    }

    private static PluginConfig Parse(string rest) => PluginConfig.Parse(File, $"{{ \"plugins\": [] {rest} }}");
}
