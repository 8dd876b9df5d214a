namespace PluginNet.Plugins.Shared;

/// <summary>
/// Walks an exception's InnerException chain. Linked as source into the plugins that name failures
/// (Http, WsClient) so each plugin stays self-contained in its own load context without adding to
/// Core's public contract.
/// </summary>
internal static class ExceptionChain
{
    /// <summary>The first exception of type <typeparamref name="T"/> in the chain, or null.</summary>
    public static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
