namespace PluginNet.WsServer.Tests.Support;

/// <summary>Upper bounds for waits; a passing test finishes far sooner.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(10);
}
