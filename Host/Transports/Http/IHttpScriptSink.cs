namespace PluginNet.Host.Transports;

/// <summary>
/// Where one script's exchanges deliver what happens before their response: the menu-thread queue,
/// the next frame, and the glue's progress, piece and event callbacks.
/// </summary>
internal interface IHttpScriptSink
{
    /// <summary>Queues a static delegate for the menu thread; dropped once the script unloads. Any thread.</summary>
    void Post(Action<object?, object?> work, object? first, object? second);

    /// <summary>Runs <paramref name="work"/> when the next frame fires. Menu thread.</summary>
    void AtNextFrame(Action work);

    /// <summary>Calls the script's on_progress (<paramref name="what"/> 1) or on_upload_progress (2). Menu thread.</summary>
    void DeliverProgress(long id, int what, long done, long total);

    /// <summary>Calls the script's on_chunk with a copy of <paramref name="chunk"/>. Menu thread.</summary>
    void DeliverChunk(long id, ReadOnlySpan<byte> chunk);

    /// <summary>Calls the script's on_event with one server-sent event. Menu thread.</summary>
    void DeliverEvent(long id, string eventType, string data, string? eventId);
}
