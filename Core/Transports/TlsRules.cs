using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PluginNet.Core.Transports;

/// <summary>
/// How <c>https://</c> and <c>wss://</c> servers are checked, from the <c>tls</c> section of
/// <c>plugins.json</c>: certificate authorities trusted besides the system store, public keys pinned per
/// host, and the lowest TLS version accepted. Set by whoever runs the host; scripts cannot change it.
/// </summary>
/// <remarks>Immutable and thread-safe; <see cref="Check"/> runs on the TLS handshake's thread.</remarks>
public sealed class TlsRules
{
    private const string PinPrefix = "sha256/";

    private readonly Dictionary<string, HashSet<string>> _pins;

    /// <summary>Rules from the parsed <c>tls</c> section.</summary>
    /// <param name="trustedAuthorities">Extra root certificates trusted besides the system store.</param>
    /// <param name="pins">Host name → pins (<c>sha256/</c> and the base64 SHA-256 of the SubjectPublicKeyInfo); a pinned host's certificate chain must hold one of them.</param>
    /// <param name="minimumVersion"><see cref="SslProtocols.Tls12"/>, <see cref="SslProtocols.Tls13"/>, or <see cref="SslProtocols.None"/> for the system's choice.</param>
    public TlsRules(IReadOnlyList<X509Certificate2> trustedAuthorities, IReadOnlyDictionary<string, IReadOnlyList<string>> pins, SslProtocols minimumVersion)
    {
        ArgumentNullException.ThrowIfNull(trustedAuthorities);
        ArgumentNullException.ThrowIfNull(pins);
        TrustedAuthorities = trustedAuthorities;
        MinimumVersion = minimumVersion;
        _pins = pins.ToDictionary(p => p.Key, p => p.Value.ToHashSet(StringComparer.Ordinal), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The system store, the system's TLS versions, nothing pinned: what a host without a <c>tls</c> section gets.</summary>
    public static TlsRules SystemDefault { get; } = new([], new Dictionary<string, IReadOnlyList<string>>(), SslProtocols.None);

    /// <summary>Root certificates trusted besides the system store.</summary>
    public IReadOnlyList<X509Certificate2> TrustedAuthorities { get; }

    /// <summary>The lowest TLS version accepted, or <see cref="SslProtocols.None"/> for the system's choice.</summary>
    public SslProtocols MinimumVersion { get; }

    /// <summary>The protocols to enable on a connection (<see cref="SslProtocols.None"/>: the system's choice).</summary>
    public SslProtocols EnabledProtocols => MinimumVersion switch
    {
        SslProtocols.Tls13 => SslProtocols.Tls13,
        SslProtocols.Tls12 => SslProtocols.Tls12 | SslProtocols.Tls13,
        _ => SslProtocols.None,
    };

    /// <summary>The pin of <paramref name="certificate"/>'s public key: <c>sha256/</c> and the base64 SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static string PinOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return PinPrefix + Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Whether <paramref name="pin"/> has the form <c>sha256/</c> + base64 of 32 bytes.</summary>
    public static bool IsPin(string pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        Span<byte> hash = stackalloc byte[33];
        return pin.StartsWith(PinPrefix, StringComparison.Ordinal)
            && Convert.TryFromBase64String(pin[PinPrefix.Length..], hash, out var written)
            && written == 32;
    }

    /// <summary>
    /// Null when the server's certificate is acceptable for <paramref name="host"/>; otherwise why not, in
    /// a modder's words (wrong host name, expired, untrusted issuer, pin mismatch).
    /// </summary>
    /// <param name="host">The host name the client asked for (the URL's).</param>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="chain">The chain the system built for it.</param>
    /// <param name="errors">What the system's own check found.</param>
    public string? Check(string host, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return $"'{host}' sent no certificate";
        }

        using var owned = certificate as X509Certificate2 is null ? new X509Certificate2(certificate) : null;
        var leaf = owned ?? (X509Certificate2)certificate;

        var pinned = false;
        if (_pins.TryGetValue(host, out var pins))
        {
            pinned = Presented(leaf, chain).Any(c => pins.Contains(PinOf(c)));
            if (!pinned)
            {
                return $"pin mismatch: the certificate of '{host}' has the key {PinOf(leaf)}, which is not one pinned for it in plugins.json (tls.pins); if the server's key changed on purpose, pin the new one there";
            }
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"wrong host name: the certificate is for {Names(leaf)}, not '{host}'";
        }

        var now = DateTime.Now;
        if (leaf.NotAfter < now)
        {
            return $"the certificate of '{host}' expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
        }

        if (leaf.NotBefore > now)
        {
            return $"the certificate of '{host}' is not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
        }

        if (!errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) || pinned)
        {
            return null; // a matching pin is the trust anchor: a self-signed companion certificate may be pinned
        }

        var status = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
        if (TrustedAuthorities.Count > 0)
        {
            if (ChainsToTrustedAuthority(leaf, chain, out status))
            {
                return null;
            }
        }

        if (status.HasFlag(X509ChainStatusFlags.Revoked))
        {
            return $"the certificate of '{host}' has been revoked by its issuer";
        }

        if (status.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            return $"a certificate in the chain of '{host}' has expired (issuer '{leaf.Issuer}')";
        }

        return $"untrusted issuer: the certificate of '{host}' was issued by '{leaf.Issuer}', which is not a trusted authority; add that authority's certificate to tls.trusted_ca in plugins.json, or pin the server's key with tls.pins";
    }

    /// <summary>
    /// A <see cref="RemoteCertificateValidationCallback"/> for an <see cref="SslStream"/> client: true when
    /// <see cref="Check"/> accepts the certificate for the stream's target host; otherwise it throws
    /// <see cref="TlsRefusedException"/> with the reason, which the handshake's caller then sees.
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? string.Empty;
        return Check(host, certificate, chain, errors) is { } refusal ? throw new TlsRefusedException(refusal) : true;
    }

    private static IEnumerable<X509Certificate2> Presented(X509Certificate2 leaf, X509Chain? chain)
    {
        yield return leaf;
        if (chain is null)
        {
            yield break;
        }

        foreach (var element in chain.ChainElements)
        {
            yield return element.Certificate;
        }
    }

    private static string Names(X509Certificate2 leaf)
    {
        var names = new List<string>();
        foreach (var extension in leaf.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                names.AddRange(san.EnumerateIPAddresses().Select(a => a.ToString()));
            }
        }

        if (names.Count == 0)
        {
            names.Add(leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        }

        return string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + (names.Count > 5 ? ", …" : string.Empty);
    }

    private bool ChainsToTrustedAuthority(X509Certificate2 leaf, X509Chain? presented, out X509ChainStatusFlags status)
    {
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // as SslStream's own default
        custom.ChainPolicy.CustomTrustStore.AddRange(TrustedAuthorities.ToArray());
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var built = custom.Build(leaf);
        status = custom.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        return built;
    }
}
