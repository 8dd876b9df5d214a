using System.Net;
using PluginNet.Core.Transports;

namespace PluginNet.Core.Tests;

/// <summary>Which addresses a host name may lead to (docs/API.md, Permissions: "Addresses, not only names").</summary>
public class AddressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.20", "private")]
    [InlineData("100.64.0.1", "private")]
    [InlineData("0.0.0.0", "private")]
    [InlineData("fd12::1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("172.32.0.1", null)]
    [InlineData("8.8.8.8", null)]
    [InlineData("93.184.216.34", null)]
    [InlineData("2606:4700::1111", null)]
    [InlineData("::ffff:8.8.8.8", null)]
    public void KindOf_Address_AsDocumented(string address, string? kind) =>
        Assert.Equal(kind, AddressRules.KindOf(IPAddress.Parse(address)));

    [Theory]
    [InlineData("api.example.com", "93.184.216.34", true)]
    [InlineData("api.example.com", "127.0.0.1", false)]
    [InlineData("api.example.com", "192.168.1.20", false)]
    [InlineData("api.example.com", "169.254.169.254", false)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("192.168.1.20", "192.168.1.20", true)]
    [InlineData("[::1]", "::1", true)]
    [InlineData("localhost", "127.0.0.1", true)]
    [InlineData("LOCALHOST", "::1", true)]
    [InlineData("localhost.evil.example", "127.0.0.1", false)]
    public void Check_Default_OnlyNamesLeadingToPrivateAddressesRefused(string urlHost, string address, bool allowed) =>
        Assert.Equal(allowed, AddressRules.Default.Check(urlHost, IPAddress.Parse(address)) is null);

    [Theory]
    [InlineData("192.168.1.0/24", "192.168.1.20", true)]
    [InlineData("192.168.1.0/24", "192.168.2.20", false)]
    [InlineData("10.0.0.7", "10.0.0.7", true)]
    [InlineData("10.0.0.7", "10.0.0.8", false)]
    [InlineData("*", "10.0.0.8", true)]
    [InlineData("*", "fe80::1", true)]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    public void Check_PrivateRangesListed_AllowsThoseOnly(string range, string address, bool allowed) =>
        Assert.Equal(allowed, new AddressRules([range]).Check("companion.lan", IPAddress.Parse(address)) is null);

    [Theory]
    [InlineData("*", true)]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("10.0.0.7", true)]
    [InlineData("fd00::/8", true)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("lan", false)]
    [InlineData("", false)]
    public void IsRange_Text_AsDocumented(string text, bool valid) => Assert.Equal(valid, AddressRules.IsRange(text));

    [Fact]
    public async Task ConnectAsync_EveryAddressRefused_ThrowsTheRefusalWithoutConnecting()
    {
        var rules = new AddressRules([], (_, _) => Task.FromResult<IPAddress[]>([IPAddress.Loopback]));

        var refused = await Assert.ThrowsAsync<AddressRefusedException>(() => rules.ConnectAsync(new DnsEndPoint("companion.test", 9), "companion.test", CancellationToken.None).AsTask());

        Assert.StartsWith("refused by a permission: 'companion.test' resolves to 127.0.0.1, a loopback address", refused.Message);
    }
}
