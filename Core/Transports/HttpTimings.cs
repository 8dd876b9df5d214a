namespace PluginNet.Core.Transports;

/// <summary>Points in one HTTP exchange as a transport measured them, each from the moment it was handed the request.</summary>
/// <param name="Connected">A connection (and its TLS) was ready; null when not measured.</param>
/// <param name="FirstByte">The response's status line and headers arrived; null when not measured.</param>
public sealed record HttpTimings(TimeSpan? Connected, TimeSpan? FirstByte);
