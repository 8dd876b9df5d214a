using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>The <c>limits.ws_server</c> section of <c>plugins.json</c>: the loopback WebSocket server.</summary>
/// <param name="MaxMessageBytes">Largest message either way (<c>max_message_bytes</c>); a larger incoming one closes that client with 1009.</param>
/// <param name="MaxQueuedBytesPerClient">Bytes queued for one slow client before it is closed with 1008 (<c>max_queued_bytes_per_client</c>).</param>
/// <param name="MaxRequestHeadBytes">Largest HTTP request head, handshakes included (<c>max_request_head_bytes</c>): 431 beyond.</param>
/// <param name="MaxRequestBodyBytes">Default body cap of a route's request (<c>max_request_body_bytes</c>): 413 beyond.</param>
/// <param name="RequestTimeoutS">Seconds a request body may take to arrive (<c>request_timeout_s</c>): 408 after.</param>
/// <param name="AnswerTimeoutS">Default seconds a route may take to answer (<c>answer_timeout_s</c>): 504 after.</param>
/// <param name="MaxReassemblyBytesPerServer">Bytes all clients of one server may hold in messages still arriving (<c>max_reassembly_bytes_per_server</c>): a client whose message would go past it is closed with 1013.</param>
/// <param name="MaxReassemblyBytesPerProcess">The same for all servers of the host together (<c>max_reassembly_bytes_per_process</c>).</param>
/// <param name="MaxConcurrentRequests">HTTP requests one server handles at once (<c>max_concurrent_requests</c>): 503 beyond.</param>
public sealed record WsServerLimits(
    long MaxMessageBytes = WebSocketLimits.MaxMessageBytes,
    long MaxQueuedBytesPerClient = 16L * 1024 * 1024,
    int MaxRequestHeadBytes = 32 * 1024,
    long MaxRequestBodyBytes = 1024 * 1024,
    int RequestTimeoutS = 10,
    int AnswerTimeoutS = 30,
    int MaxConcurrentRequests = 64,
    long MaxReassemblyBytesPerServer = WebSocketLimits.MaxReassemblyBytesPerServer,
    long MaxReassemblyBytesPerProcess = WebSocketLimits.MaxReassemblyBytesPerProcess)
{
    /// <summary>The values used when <c>plugins.json</c> gives none.</summary>
    public static WsServerLimits Defaults { get; } = new();
}
