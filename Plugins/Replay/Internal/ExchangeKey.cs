using System.Security.Cryptography;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>What a replayed request is matched by: method, absolute URL and the request body's SHA-256.</summary>
internal static class ExchangeKey
{
    public static string For(string method, Uri url, ReadOnlySpan<byte> body) =>
        Compose(method, url, SHA256.HashData(body));

    public static string Compose(string method, Uri url, byte[] bodyHash) =>
        $"{method.ToUpperInvariant()} {url.AbsoluteUri} {Convert.ToHexString(bodyHash)}";
}
