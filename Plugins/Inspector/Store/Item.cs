namespace PluginNet.Plugins.Inspector.Store;

/// <summary>One thing the inspector keeps: a script event, an HTTP exchange, a WebSocket or UDP event.</summary>
internal abstract class Item(string script, DateTimeOffset at)
{
    // Bookkeeping an item costs beyond its payloads (object, strings, dictionary slot): a rough figure,
    // enough to keep a flood of tiny events inside the ring's bound.
    protected const int Overhead = 256;

    /// <summary>Its place in arrival order, unique in the store; set when stored.</summary>
    public long Seq { get; set; }

    /// <summary>The store's version when it last changed; set by the store.</summary>
    public long Version { get; set; }

    public string Script { get; } = script;

    public DateTimeOffset At { get; } = at;

    /// <summary><c>script</c>, <c>http</c>, <c>ws</c> or <c>udp</c>: the page's kind filter.</summary>
    public abstract string Kind { get; }

    /// <summary>Bytes it holds (payload copies, strings, overhead), counted against the ring's bound.</summary>
    public abstract long Cost { get; }
}
