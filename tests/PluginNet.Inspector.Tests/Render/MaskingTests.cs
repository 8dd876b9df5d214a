using PluginNet.Plugins.Inspector.Render;

namespace PluginNet.Inspector.Tests.Render;

public sealed class MaskingTests
{
    [Theory]
    [InlineData("Authorization")]
    [InlineData("proxy-authorization")]
    [InlineData("Cookie")]
    [InlineData("SET-COOKIE")]
    public void CredentialHeaders_AreMasked_UnlessUnmasked(string name)
    {
        Assert.Equal(Masking.Mask, Masking.Header(name, "Bearer abc", unmask: false));
        Assert.Equal("Bearer abc", Masking.Header(name, "Bearer abc", unmask: true));
    }

    [Fact]
    public void OtherHeaders_AreShown()
    {
        Assert.Equal("application/json", Masking.Header("Content-Type", "application/json", unmask: false));
    }

    [Theory]
    [InlineData("http://h/p?token=abc&x=1", "http://h/p?token=••••••&x=1")]
    [InlineData("http://h/p?x=1&access_token=abc#frag", "http://h/p?x=1&access_token=••••••#frag")]
    [InlineData("http://h/p?API_KEY=1&key=2&password=3&secret=4&sig=5", "http://h/p?API_KEY=••••••&key=••••••&password=••••••&secret=••••••&sig=••••••")]
    [InlineData("http://h/p?keyboard=1&monkey=2", "http://h/p?keyboard=1&monkey=2")]
    [InlineData("http://h/p", "http://h/p")]
    public void QueryTokens_AreMasked_OtherParametersKept(string url, string masked)
    {
        Assert.Equal(masked, Masking.Url(url, unmask: false));
        Assert.Equal(url, Masking.Url(url, unmask: true));
    }

    [Fact]
    public void HasSecrets_SaysWhetherAClickWouldShowAnything()
    {
        Assert.True(Masking.HasSecrets([new("Cookie", "a=b")], "http://h/"));
        Assert.True(Masking.HasSecrets([], "http://h/?token=1"));
        Assert.False(Masking.HasSecrets([new("Accept", "*/*")], "http://h/?q=1"));
    }
}
