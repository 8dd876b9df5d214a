namespace PluginNet.Host.Transports;

/// <summary>Something that may serve transports: a loaded plugin, as the registry sees it.</summary>
public interface ITransportSource
{
    /// <summary>The name scripts' resources and the console show, e.g. <c>Http</c>.</summary>
    string Name { get; }

    /// <summary>What it exports for <paramref name="kind"/> (an instance of <see cref="TransportKind.Contract"/>), or null.</summary>
    object? Export(TransportKind kind);
}
