using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>
/// The host's event sink for one connection, made safe to call from the connection's task: event
/// sinks must not throw, and if one does anyway, the connection carries on (and still ends once).
/// </summary>
/// <remarks>One try per method rather than a shared helper taking a lambda: no closure per message.</remarks>
#pragma warning disable CA1031 // Whatever a faulty sink throws, the connection's own work must go on.
internal sealed class GuardedEvents(IWebSocketEvents inner) : IWebSocketEvents
{
    public void OnOpen()
    {
        try
        {
            inner.OnOpen();
        }
        catch (Exception)
        {
        }
    }

    public void OnOpen(WebSocketOpenInfo info)
    {
        try
        {
            inner.OnOpen(info);
        }
        catch (Exception)
        {
        }
    }

    public void OnMessage(byte[] payload, bool isText)
    {
        try
        {
            inner.OnMessage(payload, isText);
        }
        catch (Exception)
        {
        }
    }

    public void OnError(string message)
    {
        try
        {
            inner.OnError(message);
        }
        catch (Exception)
        {
        }
    }

    public void OnClose(int code, string reason)
    {
        try
        {
            inner.OnClose(code, reason);
        }
        catch (Exception)
        {
        }
    }
}
#pragma warning restore CA1031
