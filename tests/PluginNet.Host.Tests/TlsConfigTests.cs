using System.Security.Authentication;
using PluginNet.Host.Plugins;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>The <c>tls</c> section and the <c>private_addresses</c> permission of plugins.json: read, and every mistake named.</summary>
public class TlsConfigTests
{
    [Fact]
    public void Parse_TlsSection_ReadsAuthoritiesPinsAndVersion()
    {
        using var authority = TestAuthority.Create();
        var folder = LuaScripts.NewFolder();
        authority.WritePem(folder);

        var config = PluginConfig.Parse(Path.Combine(folder, "plugins.json"), """
            { "plugins": [], "tls": { "trusted_ca": ["test-ca.pem"], "pins": { "companion.lan": ["sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="] }, "min_version": "1.3" } }
            """);

        Assert.Equal(authority.Certificate.Thumbprint, Assert.Single(config.Tls.TrustedAuthorities).Thumbprint);
        Assert.Equal(SslProtocols.Tls13, config.Tls.MinimumVersion);
    }

    [Fact]
    public void Parse_NoTlsSection_SystemDefaults()
    {
        var config = PluginConfig.Parse("/p/plugins.json", """{ "plugins": [] }""");

        Assert.Same(Core.Transports.TlsRules.SystemDefault, config.Tls);
    }

    [Theory]
    [InlineData("\"tls\": []", "tls", "must be an object")]
    [InlineData("\"tls\": { \"trusted\": [] }", "tls.trusted", "unknown field (expected trusted_ca, pins, min_version)")]
    [InlineData("\"tls\": { \"trusted_ca\": \"ca.pem\" }", "tls.trusted_ca", "must be an array of PEM file paths")]
    [InlineData("\"tls\": { \"trusted_ca\": [\"missing-ca.pem\"] }", "tls.trusted_ca[0]", "cannot read '/p/missing-ca.pem'")]
    [InlineData("\"tls\": { \"pins\": { \"a.lan\": [\"AAAA\"] } }", "tls.pins.a.lan", "must be a non-empty array of pins")]
    [InlineData("\"tls\": { \"pins\": { \"a.lan\": [] } }", "tls.pins.a.lan", "must be a non-empty array of pins")]
    [InlineData("\"tls\": { \"pins\": [] }", "tls.pins", "must map host names to pins")]
    [InlineData("\"tls\": { \"min_version\": \"1.1\" }", "tls.min_version", "must be \"1.2\" or \"1.3\", not the string \"1.1\"")]
    [InlineData("\"tls\": { \"min_version\": 1.2 }", "tls.min_version", "must be \"1.2\" or \"1.3\", not the number 1.2")]
    [InlineData("\"permissions\": { \"default\": { \"private_addresses\": [\"lan\"] } }", "permissions.default.private_addresses", "must be an array of address ranges such as [\"192.168.1.0/24\"]")]
    public void Parse_MalformedTlsOrAddresses_NamesTheField(string section, string field, string problem)
    {
        var error = Assert.Throws<PluginConfigException>(() => PluginConfig.Parse("/p/plugins.json", $"{{ \"plugins\": [], {section} }}"));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
