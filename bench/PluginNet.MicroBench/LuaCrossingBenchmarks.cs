using BenchmarkDotNet.Attributes;
using PluginNet.Core.Transports;
using PluginNet.Host.Engine;

namespace PluginNet.MicroBench;

/// <summary>
/// The host's cost per network completion, without a network: a transport pinned into a real
/// engine reports completions, which go through the dispatcher, the binder and the Lua glue into a
/// script callback on this (the menu) thread. Per operation: one completion to one callback.
/// </summary>
public class LuaCrossingBenchmarks
{
    private const int Batch = 1000;
    private readonly FakeWsTransport _ws = new();
    private readonly FakeHttpTransport _http = new();
    private readonly CaptureLua _capture = new();
    private PluginNetEngine _engine = null!;
    private byte[] _payload = [];
    private NLua.LuaFunction _burst = null!;
    private string _script = string.Empty;

    [Params(16, 1024)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[PayloadBytes];
        Array.Fill(_payload, (byte)'x');
        _http.Body = _payload;
        _engine = new PluginNetEngine(new EngineOptions
        {
            Output = new SilentOutput(),
            MaxConcurrentRequestsPerScript = int.MaxValue,
            CallbackBudget = Timeout.InfiniteTimeSpan,
        });
        _engine.Transports.Pin(TransportKind.WebSocketClient, "Fake", _ws);
        _engine.Transports.Pin(TransportKind.Http, "Fake", _http);
        _engine.AddModule(_capture);
        _script = Path.Combine(Path.GetTempPath(), $"pluginnet-microbench-{Guid.NewGuid():N}.lua");
        File.WriteAllText(_script, """
            received = 0
            net.ws:connect("ws://127.0.0.1:9/", {
              on_message = function(id, msg) received = received + #msg end,
            })
            local function on_response(resp) received = received + #resp.body end
            function burst(n)
              for _ = 1, n do net.http:get("http://127.0.0.1:9/x", on_response) end
            end
            """);
        if (!_engine.LoadScript(_script))
        {
            throw new InvalidOperationException("micro bench script did not load");
        }

        _ws.Events!.OnOpen();
        _engine.Dispatcher.RunPending(Timeout.InfiniteTimeSpan);
        _burst = _capture.Lua!.GetFunction("burst");
    }

    /// <summary>A WebSocket message reported by the transport, up to the script's on_message.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int WsMessage_ToOnMessage()
    {
        var events = _ws.Events!;
        for (var i = 0; i < Batch; i++)
        {
            events.OnMessage(_payload, isText: true);
        }

        return _engine.Dispatcher.RunPending(Timeout.InfiniteTimeSpan).Ran;
    }

    /// <summary>
    /// <c>net.http:get</c> from Lua (argument checks, request spec, ledger), a transport that answers at
    /// once (on the thread pool, where the binder starts it), and the response delivered to the Lua
    /// callback as the <c>resp</c> table.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int HttpGet_ToCallback()
    {
        _burst.Call(Batch);

        // The transport is started on the thread pool; wait here until every response was delivered.
        var delivered = 0;
        while (delivered < Batch)
        {
            _engine.Dispatcher.WaitForWork(TimeSpan.FromSeconds(1));
            delivered += _engine.Dispatcher.RunPending(Timeout.InfiniteTimeSpan).Ran;
        }

        return delivered;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _burst.Dispose();
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        File.Delete(_script);
    }

    private sealed class CaptureLua : ILuaModule
    {
        public NLua.Lua? Lua { get; private set; }

        public void Install(LuaModuleContext script) => Lua = script.Lua;
    }

    private sealed class SilentOutput : IScriptOutput
    {
        public void Print(string script, string text)
        {
        }

        public void Log(LogLevel level, string? script, string message)
        {
        }
    }

    private sealed class FakeWsTransport : IWebSocketClientTransport
    {
        public IWebSocketEvents? Events { get; private set; }

        public IWebSocketConnection Connect(WebSocketConnectRequest request, IWebSocketEvents events)
        {
            Events = events;
            return new Connection();
        }

        private sealed class Connection : IWebSocketConnection
        {
            public bool IsOpen => true;

            public bool Send(ReadOnlyMemory<byte> text) => true;

            public Task CloseAsync(int code, string reason, CancellationToken cancellationToken) => Task.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class FakeHttpTransport : IHttpTransport
    {
        public byte[] Body { get; set; } = [];

        public Task<HttpResult> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResult(200, Body, string.Empty, true));
    }
}
