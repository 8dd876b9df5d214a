using System.Diagnostics;
using PluginNet.Core.Transports;
using PluginNet.Plugins.WsClient;
using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.WsClient.Tests.Transport;

[CollectionDefinition(nameof(LeakTests), DisableParallelization = true)]
public sealed class LeakTestsCollection;

/// <summary>Runs alone: thread counts and memory are process-wide.</summary>
[Collection(nameof(LeakTests))]
public sealed class LeakTests(ITestOutputHelper output)
{
    private const int WarmUp = 1_000;

    [Fact]
    public async Task Connect_2000RefusedConnectsChainedFromOnClose_ThreadsAndMemoryStayFlat()
    {
        await using var transport = new WebSocketClientTransport();
        var request = new WebSocketConnectRequest($"ws://127.0.0.1:{LoopbackPorts.Free()}/", Documented.HandshakeTimeout, Documented.MaxMessageBytes);

        // Warm-up: JIT, the socket engine and the thread pool settle first.
        var warmUp = Stopwatch.StartNew();
        var warmUpErrors = await new ReconnectChain(transport, request, WarmUp).RunAsync();
        warmUp.Stop();
        var before = ProcessResources.Measure();

        var clock = Stopwatch.StartNew();
        var chain = new ReconnectChain(transport, request, 2_000);
        var errors = await chain.RunAsync();
        clock.Stop();
        var after = ProcessResources.Measure();

        output.WriteLine($"warm-up: {WarmUp} connects in {warmUp.ElapsedMilliseconds} ms");
        output.WriteLine($"2000 refused connects chained from OnClose in {clock.ElapsedMilliseconds} ms");
        output.WriteLine($"process: {before} -> {after} (managed {(after.ManagedBytes - before.ManagedBytes) / 1024.0:+0;-0} KB)");
        output.WriteLine($"live connections after: {transport.LiveConnectionCount}");

        Assert.Equal(WarmUp, warmUpErrors);
        Assert.Equal(2_000, errors);
        Assert.Empty(chain.Violations);
        Assert.Equal(0, transport.LiveConnectionCount);

        // Hill climbing is off in this test project (see the csproj), so the pool grows only when work
        // starves, as it does on a busy machine: see ProcessResources.ThreadGrowthAllowance.
        Assert.True(after.ThreadsFlatSince(before), $"threads grew over 2,000 connects: {before} -> {after}");
        Assert.InRange(after.ManagedBytes - before.ManagedBytes, long.MinValue, 1024 * 1024);
    }

    /// <summary>Connects again from each OnClose, like a script's retry loop, until the count is reached.</summary>
    private sealed class ReconnectChain(WebSocketClientTransport transport, WebSocketConnectRequest request, int total)
    {
        private readonly WebSocketClientTransport _transport = transport;
        private readonly WebSocketConnectRequest _request = request;
        private readonly int _total = total;
        private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _violations = [];
        private int _closes;
        private int _refusedErrors;

        public IReadOnlyList<string> Violations => _violations;

        public async Task<int> RunAsync()
        {
            _transport.Connect(_request, new Link(this));
            await _done.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return _refusedErrors;
        }

        private sealed class Link(ReconnectChain chain) : IWebSocketEvents
        {
            private bool _errored;

            public void OnOpen() => chain.Violate("unexpected OnOpen");

            public void OnMessage(byte[] payload, bool isText) => chain.Violate("unexpected OnMessage");

            public void OnError(string message)
            {
                _errored = true;
                if (message.Contains("connection refused", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref chain._refusedErrors);
                }
                else
                {
                    chain.Violate(message);
                }
            }

            public void OnClose(int code, string reason)
            {
                if (code != 1006 || !_errored)
                {
                    chain.Violate($"close {code} without error first");
                }

                if (Interlocked.Increment(ref chain._closes) < chain._total)
                {
                    chain._transport.Connect(chain._request, new Link(chain));
                }
                else
                {
                    chain._done.TrySetResult(chain._closes);
                }
            }
        }

        private void Violate(string what)
        {
            lock (_violations)
            {
                _violations.Add(what);
            }
        }
    }
}
