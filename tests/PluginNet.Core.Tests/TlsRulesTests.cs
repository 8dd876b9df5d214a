using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PluginNet.Core.Transports;

namespace PluginNet.Core.Tests;

/// <summary>The TLS decisions that need no server (the handshakes themselves: PluginNet.Host.Tests/Security/TlsTests.cs).</summary>
public class TlsRulesTests
{
    [Theory]
    [InlineData("sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", true)]
    [InlineData("sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", false)]
    [InlineData("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", false)]
    [InlineData("sha256/AAAA", false)]
    [InlineData("sha1/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", false)]
    public void IsPin_Text_AsDocumented(string pin, bool valid) => Assert.Equal(valid, TlsRules.IsPin(pin));

    [Fact]
    public void PinOf_Certificate_IsSha256OfItsSubjectPublicKeyInfo()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=pin", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal("sha256/" + Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), TlsRules.PinOf(certificate));
    }

    [Theory]
    [InlineData(SslProtocols.None, SslProtocols.None)]
    [InlineData(SslProtocols.Tls12, SslProtocols.Tls12 | SslProtocols.Tls13)]
    [InlineData(SslProtocols.Tls13, SslProtocols.Tls13)]
    public void EnabledProtocols_FromTheMinimum(SslProtocols minimum, SslProtocols enabled) =>
        Assert.Equal(enabled, new TlsRules([], new Dictionary<string, IReadOnlyList<string>>(), minimum).EnabledProtocols);

    [Fact]
    public void Check_NoCertificate_SaysSo() =>
        Assert.Equal("'example.com' sent no certificate", TlsRules.SystemDefault.Check("example.com", null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
}
