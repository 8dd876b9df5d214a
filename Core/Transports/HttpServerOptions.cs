namespace PluginNet.Core.Transports;

/// <summary>How a loopback server answers plain HTTP requests (routes and static folders) beside its WebSockets.</summary>
/// <remarks>Every value has a default, so a host written before HTTP serving still listens as before.</remarks>
public sealed record HttpServerOptions
{
    /// <summary>The only path WebSocket upgrades are accepted on; null accepts them on any path.</summary>
    public string? WebSocketPath { get; init; }

    /// <summary>Largest request body; a larger one is refused with 413 before any handler hears of it.</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest request head (request line and headers); a larger one is refused with 431 or 414.</summary>
    public int MaxHeadBytes { get; init; } = 32 * 1024;

    /// <summary>How long the request body may take to arrive; a slower sender is dropped (408).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a route may take to answer; an unanswered request then gets 504.</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>HTTP requests one server handles at once; more get 503 at once.</summary>
    public int MaxConcurrentRequests { get; init; } = 64;
}
