namespace PluginNet.Core.Transports;

/// <summary>Why an exchange got no response (status 0), as far as the transport can tell; lets the host decide what is worth retrying.</summary>
public enum HttpFailureKind
{
    /// <summary>Not said: a response arrived, or the transport does not classify its failures.</summary>
    None = 0,

    /// <summary>The exchange ran past its timeout.</summary>
    Timeout = 1,

    /// <summary>No connection could be made (refused, unreachable, connect timed out, reset before any response).</summary>
    Connect = 2,

    /// <summary>Any other failure (refused by a check, body too large, TLS, DNS, a broken response).</summary>
    Other = 3,
}
