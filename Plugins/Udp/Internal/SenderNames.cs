using System.Net;

namespace PluginNet.Plugins.Udp.Internal;

/// <summary>The text of a sender's address, kept for the last sender: a stream from one peer builds it once.</summary>
internal sealed class SenderNames
{
    private IPAddress? _last;
    private string _lastName = string.Empty;

    public string NameOf(IPAddress address)
    {
        if (!address.Equals(_last))
        {
            _last = address;
            _lastName = address.ToString();
        }

        return _lastName;
    }
}
