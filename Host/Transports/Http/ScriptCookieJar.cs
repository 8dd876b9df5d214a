using System.Net;

namespace PluginNet.Host.Transports;

/// <summary>
/// The cookie jar of one script's <c>net.http</c> (<c>cookies = true</c>): made on first use, held by
/// that script's binding and nothing else, so it is never shared with another script and goes
/// with the script when it unloads (a reloaded script starts with an empty jar).
/// </summary>
internal sealed class ScriptCookieJar
{
    private CookieContainer? _jar;

    /// <summary>The jar, made on first use. Menu thread (the transport only reads it through the request).</summary>
    public CookieContainer Jar => _jar ??= new CookieContainer();
}
