namespace PluginNet.Core.Transports;

/// <summary>A connection refused by <see cref="AddressRules"/> before it was made; the message says why, in a modder's words.</summary>
public sealed class AddressRefusedException : IOException
{
    /// <summary>A refusal with no reason given.</summary>
    public AddressRefusedException()
        : base("the address was refused")
    {
    }

    /// <summary>A refusal for <paramref name="message"/>.</summary>
    public AddressRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>A refusal for <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public AddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
