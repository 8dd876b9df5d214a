using System.Net;
using System.Net.Sockets;

namespace PluginNet.Core.Transports;

/// <summary>
/// Which addresses a connection made through a host <em>name</em> may reach, and how names become
/// addresses. By default a name that resolves to a loopback, link-local or private address is refused
/// (DNS rebinding, server-side request forgery); a URL that names such an address literally, or
/// <c>localhost</c>, reaches it, and so does any address in <see cref="AllowedRanges"/>.
/// </summary>
/// <remarks>Immutable and thread-safe; used on the connect path's threads.</remarks>
public sealed class AddressRules
{
    private readonly IPNetwork[] _ranges;
    private readonly bool _allowAllPrivate;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <summary>Rules allowing <paramref name="allowedRanges"/>, resolving names with <paramref name="resolver"/>.</summary>
    /// <param name="allowedRanges">
    /// Private ranges a name may resolve to: <c>*</c> for every one, a CIDR range such as
    /// <c>192.168.1.0/24</c>, or one address (<see cref="IsRange"/> tells which texts are valid).
    /// </param>
    /// <param name="resolver">Turns a host name into addresses; null for the system resolver (DNS).</param>
    public AddressRules(IReadOnlyList<string> allowedRanges, Func<string, CancellationToken, Task<IPAddress[]>>? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(allowedRanges);
        AllowedRanges = allowedRanges;
        _allowAllPrivate = allowedRanges.Contains("*");
        _ranges = [.. allowedRanges.Where(r => r != "*").Select(ParseRange)];
        _resolve = resolver ?? ((host, token) => Dns.GetHostAddressesAsync(host, token));
    }

    /// <summary>No private range allowed through a name; names resolved by the system.</summary>
    public static AddressRules Default { get; } = new([]);

    /// <summary>The private ranges a name may resolve to, as given.</summary>
    public IReadOnlyList<string> AllowedRanges { get; }

    /// <summary>Whether <paramref name="text"/> is <c>*</c>, an address or a CIDR range.</summary>
    public static bool IsRange(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text == "*" || IPAddress.TryParse(text, out _) || IPNetwork.TryParse(text, out _);
    }

    /// <summary>
    /// The kind of a non-public address ("loopback", "link-local" or "private"), or null for a public one.
    /// IPv4 addresses mapped into IPv6 count as their IPv4 address.
    /// </summary>
    public static string? KindOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 => "private",
                169 when b[1] == 254 => "link-local",
                172 when b[1] is >= 16 and <= 31 => "private",
                192 when b[1] == 168 => "private",
                100 when b[1] is >= 64 and <= 127 => "private", // carrier-grade NAT, 100.64.0.0/10
                _ => null,
            };
        }

        if (address.IsIPv6LinkLocal)
        {
            return "link-local";
        }

        var first = address.GetAddressBytes()[0];
        return address.Equals(IPAddress.IPv6Any) || address.IsIPv6SiteLocal || (first & 0xFE) == 0xFC ? "private" : null;
    }

    /// <summary>The addresses of <paramref name="host"/> (a literal address is returned as it is).</summary>
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? Task.FromResult<IPAddress[]>([literal]) : _resolve(host, cancellationToken);
    }

    /// <summary>Null when a URL naming <paramref name="urlHost"/> may connect to <paramref name="address"/>; otherwise the refusal, worded for the script.</summary>
    public string? Check(string urlHost, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(urlHost);
        ArgumentNullException.ThrowIfNull(address);
        if (IPAddress.TryParse(urlHost.Trim('[', ']'), out _) || IsLocalhost(urlHost))
        {
            return null; // the URL names the address (or localhost) itself
        }

        var kind = KindOf(address);
        if (kind is null || _allowAllPrivate || _ranges.Any(r => r.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)))
        {
            return null;
        }

        return $"refused by a permission: '{urlHost}' resolves to {address}, a {kind} address, which a host name may not lead to (DNS rebinding); name the address in the URL itself, or add it to the \"private_addresses\" list of plugins.json permissions";
    }

    /// <summary>
    /// Resolves <paramref name="endpoint"/>, drops every address <see cref="Check"/> refuses for
    /// <paramref name="urlHost"/>, and connects a TCP socket to the first that answers. For
    /// <see cref="System.Net.Http.SocketsHttpHandler.ConnectCallback"/>.
    /// </summary>
    /// <exception cref="AddressRefusedException">Every address the name resolved to was refused.</exception>
    /// <exception cref="SocketException">The name did not resolve, or no address answered.</exception>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, string urlHost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(urlHost);
        var addresses = await ResolveAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        // A proxy (set by whoever runs the machine) is reached as configured; the rules are for the URL's host.
        var isProxy = !string.Equals(endpoint.Host.Trim('[', ']'), urlHost.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
        var allowed = isProxy ? addresses : [.. addresses.Where(a => Check(urlHost, a) is null)];
        if (allowed.Length == 0)
        {
            throw new AddressRefusedException(Check(urlHost, addresses[0])!);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static IPNetwork ParseRange(string text) =>
        IPAddress.TryParse(text, out var single) ? new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) : IPNetwork.Parse(text);
}
