namespace PluginNet.Core.Transports;

/// <summary>
/// What the host asks of every outgoing connection a request or WebSocket makes: the TLS checks and the
/// address checks. One instance per set of rules (the host reuses it), so a plugin may keep one
/// connection pool per instance: connections are never shared between different rules.
/// </summary>
/// <param name="tls">The TLS checks for https:// and wss://.</param>
/// <param name="addresses">The address checks and the resolver.</param>
public sealed class ConnectionRules(TlsRules tls, AddressRules addresses)
{
    /// <summary>System TLS defaults and the default address checks.</summary>
    public static ConnectionRules Default { get; } = new(TlsRules.SystemDefault, AddressRules.Default);

    /// <summary>The TLS checks.</summary>
    public TlsRules Tls { get; } = tls ?? throw new ArgumentNullException(nameof(tls));

    /// <summary>The address checks and the resolver.</summary>
    public AddressRules Addresses { get; } = addresses ?? throw new ArgumentNullException(nameof(addresses));

    /// <summary>
    /// Sets <paramref name="handler"/>'s connect callback (<see cref="AddressRules.ConnectAsync"/> for the
    /// host of the request that opens the connection) and its TLS options (<see cref="TlsRules.Validate"/>,
    /// <see cref="TlsRules.EnabledProtocols"/>). Other settings of the handler are left as they are.
    /// </summary>
    public SocketsHttpHandler ApplyTo(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var addressRules = Addresses;
        handler.ConnectCallback = (context, token) =>
            addressRules.ConnectAsync(context.DnsEndPoint, context.InitialRequestMessage.RequestUri?.IdnHost ?? context.DnsEndPoint.Host, token);
        handler.SslOptions.RemoteCertificateValidationCallback = Tls.Validate;
        handler.SslOptions.EnabledSslProtocols = Tls.EnabledProtocols;
        return handler;
    }
}
