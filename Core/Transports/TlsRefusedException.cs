using System.Security.Authentication;

namespace PluginNet.Core.Transports;

/// <summary>A server's certificate refused by <see cref="TlsRules"/>; the message says why, in a modder's words.</summary>
public sealed class TlsRefusedException : AuthenticationException
{
    /// <summary>A refusal with no reason given.</summary>
    public TlsRefusedException()
        : base("the server's certificate was refused")
    {
    }

    /// <summary>A refusal for <paramref name="message"/>.</summary>
    public TlsRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>A refusal for <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public TlsRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
