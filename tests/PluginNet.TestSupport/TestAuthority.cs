using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PluginNet.TestSupport;

/// <summary>
/// A certificate authority made at test time (nothing on disk until <see cref="WritePem"/>): it issues
/// server certificates for a local HTTPS / wss:// server, valid, expired or for another name.
/// </summary>
public sealed class TestAuthority : IDisposable
{
    private TestAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The authority's own certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new root authority named <paramref name="name"/>.</summary>
    public static TestAuthority Create(string name = "PluginNet Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new TestAuthority(request.CreateSelfSigned(now.AddDays(-30), now.AddYears(1)));
    }

    /// <summary>
    /// A server certificate (with its private key, ready for Kestrel) for <paramref name="names"/> (DNS
    /// names or IP addresses), valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>;
    /// by default for 127.0.0.1 and valid now.
    /// </summary>
    public X509Certificate2 Issue(string[]? names = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        names ??= ["127.0.0.1"];
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = ServerRequest(names, key);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var from = notBefore ?? now.AddDays(-1);
        var to = notAfter ?? now.AddDays(30);
        using var issued = request.Create(Certificate, from, to, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reloaded(withKey);
    }

    /// <summary>A self-signed server certificate for <paramref name="names"/> (no authority trusts it).</summary>
    public static X509Certificate2 SelfSigned(params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var created = ServerRequest(names.Length == 0 ? ["127.0.0.1"] : names, key).CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return Reloaded(created);
    }

    /// <summary>Writes the authority's certificate (no key) as PEM into <paramref name="folder"/> and returns the file's path.</summary>
    public string WritePem(string folder)
    {
        var path = Path.Combine(folder, "test-ca.pem");
        File.WriteAllText(path, Certificate.ExportCertificatePem());
        return path;
    }

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();

    private static CertificateRequest ServerRequest(string[] names, ECDsa key)
    {
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        return request;
    }

    // Kestrel wants a certificate whose key it can use for TLS: a PKCS#12 round trip gives one on every platform.
    private static X509Certificate2 Reloaded(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
}
