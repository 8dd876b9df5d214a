using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>
/// Reads the <c>tls</c> section of <c>plugins.json</c> (for <c>net.http</c> and <c>net.ws</c>):
/// <c>trusted_ca</c> (PEM files, relative to plugins.json), <c>pins</c> (host → <c>sha256/…</c> keys)
/// and <c>min_version</c> (<c>"1.2"</c> or <c>"1.3"</c>). Errors name the field.
/// </summary>
internal sealed class TlsReader(string filePath)
{
    private static readonly string[] Fields = ["trusted_ca", "pins", "min_version"];

    public TlsRules Read(JsonElement root)
    {
        if (!root.TryGetProperty("tls", out var section))
        {
            return TlsRules.SystemDefault;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            throw Fail("tls", $"must be an object such as {{ \"trusted_ca\": [\"certs/my-ca.pem\"] }}, not {PluginConfigReader.Describe(section)}");
        }

        foreach (var field in section.EnumerateObject().Where(f => !Fields.Contains(f.Name)))
        {
            throw Fail($"tls.{field.Name}", $"unknown field (expected {string.Join(", ", Fields)})");
        }

        var authorities = section.TryGetProperty("trusted_ca", out var ca) ? ReadAuthorities(ca) : [];
        var pins = section.TryGetProperty("pins", out var p) ? ReadPins(p) : [];
        var version = section.TryGetProperty("min_version", out var v) ? ReadVersion(v) : SslProtocols.None;
        return new TlsRules(authorities, pins, version);
    }

    private List<X509Certificate2> ReadAuthorities(JsonElement list)
    {
        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(f => f.ValueKind != JsonValueKind.String))
        {
            throw Fail("tls.trusted_ca", $"must be an array of PEM file paths such as [\"certs/my-ca.pem\"], not {PluginConfigReader.Describe(list)}");
        }

        var authorities = new List<X509Certificate2>();
        var index = 0;
        foreach (var file in list.EnumerateArray().Select(f => f.GetString()!))
        {
            var at = $"tls.trusted_ca[{index++}]";
            var path = Path.GetFullPath(file, Path.GetDirectoryName(filePath)!);
            var found = new X509Certificate2Collection();
            try
            {
                found.ImportFromPemFile(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Fail(at, $"cannot read '{path}': {ex.Message}");
            }
            catch (CryptographicException)
            {
                throw Fail(at, $"'{path}' is not a PEM certificate file (-----BEGIN CERTIFICATE----- ...)");
            }

            if (found.Count == 0)
            {
                throw Fail(at, $"'{path}' holds no certificate (expected -----BEGIN CERTIFICATE----- ...)");
            }

            authorities.AddRange(found);
        }

        return authorities;
    }

    private Dictionary<string, IReadOnlyList<string>> ReadPins(JsonElement section)
    {
        const string Example = "{ \"companion.lan\": [\"sha256/BASE64-OF-THE-KEY-HASH=\"] }";
        if (section.ValueKind != JsonValueKind.Object)
        {
            throw Fail("tls.pins", $"must map host names to pins such as {Example}, not {PluginConfigReader.Describe(section)}");
        }

        var pins = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var host in section.EnumerateObject())
        {
            var list = host.Value;
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0
                || list.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String || !TlsRules.IsPin(k.GetString()!)))
            {
                throw Fail($"tls.pins.{host.Name}", $"must be a non-empty array of pins: \"sha256/\" and the base64 SHA-256 of the server's public key (SubjectPublicKeyInfo), as in {Example}");
            }

            pins[host.Name] = [.. list.EnumerateArray().Select(k => k.GetString()!)];
        }

        return pins;
    }

    private SslProtocols ReadVersion(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() switch
    {
        "1.2" => SslProtocols.Tls12,
        "1.3" => SslProtocols.Tls13,
        _ => throw Fail("tls.min_version", $"must be \"1.2\" or \"1.3\", not {PluginConfigReader.Describe(value)}"),
    }
    : throw Fail("tls.min_version", $"must be \"1.2\" or \"1.3\", not {PluginConfigReader.Describe(value)}");

    private PluginConfigException Fail(string field, string problem) => new(filePath, field, problem);
}
