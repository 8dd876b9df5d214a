using System.Net.WebSockets;
using System.Text;
using PluginNet.Core.Transports;
using PluginNet.TestSupport;
using PluginNet.WsClient.Tests.Infrastructure;

namespace PluginNet.WsClient.Tests.Transport;

public sealed class MessagingTests : TransportTestBase
{
    [Theory]
    [InlineData(1016)]
    [InlineData(2999)]
    [InlineData(1015)]
    public async Task CloseAsync_CodeReservedByTheProtocol_RefusedAsTheServerRefusesIt(int code)
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: true, ct));
        var (connection, events) = Connect(server.Url);
        await events.WaitOpenAsync();

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => connection.CloseAsync(code, "x", CancellationToken.None));

        Assert.Contains(WebSocketCloseRules.SendableCodes, error.Message);
        Assert.True(connection.IsOpen);
        await connection.CloseAsync(Documented.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task Send_TextToEchoServer_ServerGetsTextAndClientGetsEcho()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: true, ct));
        var (connection, events) = Connect(server.Url);
        await events.WaitOpenAsync();

        Assert.True(connection.IsOpen);
        Assert.True(connection.Send(Encoding.UTF8.GetBytes("hello")));
        Assert.True(connection.Send(Encoding.UTF8.GetBytes("héllo ✓ 世界")));

        var first = await log.NextAsync(RecordingEvents.Wait);
        Assert.Equal(WebSocketMessageType.Text, first.Type);
        Assert.Equal("hello", Encoding.UTF8.GetString(first.Payload));
        Assert.Equal("hello", await events.NextTextAsync());
        Assert.Equal("héllo ✓ 世界", await events.NextTextAsync());

        await connection.CloseAsync(Documented.NormalClosure, "done", CancellationToken.None);
        Assert.Equal((1000, "done"), await events.WaitClosedAsync());
        Assert.Equal((1000, "done"), await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait));
        Assert.Equal(["open", "message", "message", "close"], events.Log);
        Assert.Empty(events.Violations);
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task Receive_BinaryWithAllByteValues_DeliveredByteExact()
    {
        var all = TestBytes.AllValues();
        byte[] payload = [.. all, .. all.Reverse(), 0, 0xFF, 0x80];
        await using var server = await TestWsServer.StartWebSocketAsync(async (ws, ct) =>
        {
            await ws.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, ct);
            await ServerSide.RunAsync(ws, new ServerLog(), echo: false, ct);
        });
        var (connection, events) = Connect(server.Url);

        var message = await events.NextMessageAsync();

        Assert.False(message.IsText);
        Assert.Equal(payload, message.Payload);
        await connection.CloseAsync(1000, string.Empty, CancellationToken.None);
        Assert.Empty(events.Violations);
    }

    [Fact]
    public async Task Receive_FragmentedMessages_ReassembledBeforeDelivery()
    {
        await using var server = await TestWsServer.StartWebSocketAsync(async (ws, ct) =>
        {
            await ws.SendAsync("frag"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, ct);
            await ws.SendAsync(Array.Empty<byte>(), WebSocketMessageType.Text, endOfMessage: false, ct);
            await ws.SendAsync("men"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, ct);
            await ws.SendAsync("ted ✓"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, ct);

            // A binary message split into many small frames, larger than the client's first buffer.
            var big = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
            for (var offset = 0; offset < big.Length; offset += 1_000)
            {
                await ws.SendAsync(big.AsMemory(offset, 1_000), WebSocketMessageType.Binary, offset + 1_000 == big.Length, ct);
            }

            await ServerSide.RunAsync(ws, new ServerLog(), echo: false, ct);
        });
        var (connection, events) = Connect(server.Url);

        Assert.Equal("fragmented ✓", await events.NextTextAsync());
        var binary = await events.NextMessageAsync();

        Assert.False(binary.IsText);
        Assert.Equal(Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)), binary.Payload);
        await connection.CloseAsync(1000, string.Empty, CancellationToken.None);
        Assert.Equal(["open", "message", "message", "close"], events.Log);
    }

    [Fact]
    public async Task Receive_ServerPing_AnsweredWithPongAndNoEvent()
    {
        var pong = new TaskCompletionSource<(byte Opcode, byte[] Payload)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestWsServer.StartRawAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(RawFrames.Frame(RawFrames.Ping, "are you there?"u8), ct);
            var reply = await RawFrames.ReadClientFrameAsync(stream, ct);
            pong.TrySetResult((reply.Opcode, reply.Payload));
            await stream.WriteAsync(RawFrames.Frame(RawFrames.Text, "after the ping"u8), ct);
            await stream.WriteAsync(RawFrames.CloseFrame(1000, "bye"), ct);
            await RawFrames.ReadClientFrameAsync(stream, ct); // the client's close echo
        });
        var (_, events) = Connect(server.Url);

        var (opcode, payload) = await pong.Task.WaitAsync(RecordingEvents.Wait);
        Assert.Equal(RawFrames.Pong, opcode);
        Assert.Equal("are you there?"u8.ToArray(), payload);
        Assert.Equal("after the ping", await events.NextTextAsync());
        Assert.Equal((1000, "bye"), await events.WaitClosedAsync());
        Assert.Equal(["open", "message", "close"], events.Log);
        Assert.Empty(events.Violations);
    }

    [Fact]
    public async Task Receive_ServerClosesWith4001_OnCloseGetsServerCodeAndReason()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync(async (ws, ct) =>
        {
            await ws.SendAsync("last words"u8.ToArray(), WebSocketMessageType.Text, true, ct);
            await ws.CloseAsync((WebSocketCloseStatus)4001, "kicked: too slow", ct);
            log.SessionEnded.TrySetResult();
        });
        var (connection, events) = Connect(server.Url);

        Assert.Equal((4001, "kicked: too slow"), await events.WaitClosedAsync());
        await log.SessionEnded.Task.WaitAsync(RecordingEvents.Wait); // the server's CloseAsync got our echo
        Assert.Equal(["open", "message", "close"], events.Log);
        Assert.False(connection.IsOpen);
        Assert.False(connection.Send("too late"u8.ToArray()));
        Assert.Empty(events.Violations);
    }

    [Fact]
    public async Task Send_TenMegabytes_RoundTripsByteExact()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: true, ct));
        var (connection, events) = Connect(server.Url);
        await events.WaitOpenAsync();
        var big = new byte[10 * 1024 * 1024];
        for (var i = 0; i < big.Length; i++)
        {
            big[i] = (byte)(' ' + (i % 95)); // printable ASCII: valid UTF-8 for a text frame
        }

        Assert.True(connection.Send(big));
        var echo = await events.NextMessageAsync(TimeSpan.FromSeconds(30));

        Assert.True(echo.IsText);
        Assert.Equal(big.Length, echo.Payload.Length);
        Assert.True(big.AsSpan().SequenceEqual(echo.Payload));
        await connection.CloseAsync(1000, string.Empty, CancellationToken.None);
    }

    [Fact]
    public async Task Receive_MessageOver64MB_OnErrorAndClosedWith1009()
    {
        var log = new ServerLog();
        var sentAll = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestWsServer.StartWebSocketAsync(async (ws, ct) =>
        {
            var receiving = ServerSide.RunAsync(ws, log, echo: false, ct);
            var chunk = new byte[1024 * 1024];
            try
            {
                // 64 MB + 1 byte in 1 MB frames, so the server never holds the whole message either.
                for (var i = 0; i < 64 && !log.ClientClosed.Task.IsCompleted; i++)
                {
                    await ws.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: false, ct);
                }

                await ws.SendAsync(new byte[1], WebSocketMessageType.Binary, endOfMessage: true, ct);
                sentAll.TrySetResult(true);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
            {
                sentAll.TrySetResult(false);
            }

            await receiving;
        });
        var (connection, events) = Connect(server.Url);

        var (code, reason) = await events.WaitClosedAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Documented.MessageTooBig, code);
        Assert.Contains("64 MB", reason, StringComparison.Ordinal);
        Assert.Contains(events.Errors, e => e.Contains("exceeds the 64 MB limit", StringComparison.Ordinal));
        Assert.Equal(1009, (await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait)).Code);
        Assert.Equal(["open", "error", "close"], events.Log.Select(e => e.Split(':')[0]));
        Assert.False(events.TryReadMessage(out _));
        Assert.False(connection.IsOpen);
        Assert.Empty(events.Violations);
    }

    [Fact]
    public async Task Receive_MessageExactlyAtLimit_DeliveredAndNextOneOverLimitCloses()
    {
        const int limit = 100_000;
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync(async (ws, ct) =>
        {
            await ws.SendAsync(new byte[limit], WebSocketMessageType.Binary, true, ct);
            await ws.SendAsync(new byte[limit + 1], WebSocketMessageType.Binary, true, ct);
            await ServerSide.RunAsync(ws, log, echo: false, ct);
        });
        var (_, events) = Connect(server.Url, maxMessageBytes: limit);

        var atLimit = await events.NextMessageAsync();
        var (code, _) = await events.WaitClosedAsync();

        Assert.Equal(limit, atLimit.Payload.Length);
        Assert.Equal(1009, code);
        Assert.Contains(events.Errors, e => e.Contains("100000 bytes", StringComparison.Ordinal));
        Assert.Equal(1009, (await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait)).Code);
    }

    [Fact]
    public async Task Send_ManyMessagesThenClose_ArriveInOrderBeforeTheCloseFrame()
    {
        const int count = 2_000;
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: false, ct));
        var (connection, events) = Connect(server.Url);
        await events.WaitOpenAsync();

        for (var i = 0; i < count; i++)
        {
            Assert.True(connection.Send(Encoding.ASCII.GetBytes($"message {i}")));
        }

        var closing = connection.CloseAsync(1000, "all sent", CancellationToken.None);
        Assert.False(connection.Send("after close"u8.ToArray()));
        await closing.WaitAsync(RecordingEvents.Wait);

        Assert.Equal((1000, "all sent"), await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait));
        var received = log.Drain().Select(Encoding.ASCII.GetString).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"message {i}"), received);
        Assert.Equal((1000, "all sent"), await events.WaitClosedAsync());
    }

    [Fact]
    public async Task Send_SmallAndLargeMessagesInterleavedFromManyThreads_EachThreadsMessagesArriveInOrder()
    {
        // Small messages may leave from Send itself, large ones always go through the queue, and three
        // threads send at once: each thread's messages must still arrive in the order it sent them.
        const int perThread = 300;
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: false, ct));
        var (connection, events) = Connect(server.Url);
        await events.WaitOpenAsync();
        var big = new string('b', 40_000);

        var senders = Enumerable.Range(0, 3).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var text = i % 7 == 0 ? $"{t}:{i}:{big}" : $"{t}:{i}";
                Assert.True(connection.Send(Encoding.ASCII.GetBytes(text)));
            }
        })).ToArray();
        await Task.WhenAll(senders).WaitAsync(RecordingEvents.Wait);
        await connection.CloseAsync(1000, "all sent", CancellationToken.None).WaitAsync(RecordingEvents.Wait);

        Assert.Equal((1000, "all sent"), await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait));
        var received = log.Drain().Select(Encoding.ASCII.GetString).Select(m => m.Split(':')).ToList();
        Assert.Equal(3 * perThread, received.Count);
        foreach (var thread in received.GroupBy(parts => parts[0]))
        {
            Assert.Equal(Enumerable.Range(0, perThread).Select(i => $"{i}"), thread.Select(parts => parts[1]));
        }

        Assert.All(received.Where(parts => int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) % 7 == 0), parts => Assert.Equal(big, parts[2]));
    }

    [Fact]
    public async Task Send_BeforeOpen_ReturnsFalse()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestWsServer.StartAsync(async context =>
        {
            await release.Task.WaitAsync(context.RequestAborted); // hold the handshake
            using var ws = await context.WebSockets.AcceptWebSocketAsync();
            await ServerSide.RunAsync(ws, new ServerLog(), echo: false, context.RequestAborted);
        });
        var (connection, events) = Connect(server.Url);

        Assert.False(connection.IsOpen);
        Assert.False(connection.Send("too early"u8.ToArray()));
        release.SetResult();
        await events.WaitOpenAsync();
        Assert.True(connection.Send("now"u8.ToArray()));
        await connection.CloseAsync(1000, string.Empty, CancellationToken.None);
    }

    [Fact]
    public async Task CloseAsync_WhileConnecting_OnClose1006WithoutOpen()
    {
        var handshakeArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestWsServer.StartAsync(async context =>
        {
            handshakeArrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted); // never answers
        });
        var (connection, events) = Connect(server.Url);
        await handshakeArrived.Task.WaitAsync(RecordingEvents.Wait);

        await connection.CloseAsync(1000, "never mind", CancellationToken.None).WaitAsync(RecordingEvents.Wait);

        var (code, reason) = await events.WaitClosedAsync();
        Assert.Equal(1006, code);
        Assert.Contains("before the connection was established", reason, StringComparison.Ordinal);
        Assert.Equal(["close"], events.Log);
    }

    [Fact]
    public async Task CloseAsync_CalledTwice_SecondIsNoOpAndOnCloseFiresOnce()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: false, ct));
        var (connection, events) = Connect(server.Url);
        await events.WaitOpenAsync();

        var first = connection.CloseAsync(1001, "going", CancellationToken.None);
        var second = connection.CloseAsync(1000, "ignored", CancellationToken.None);
        await Task.WhenAll(first, second).WaitAsync(RecordingEvents.Wait);
        await connection.CloseAsync(1000, "after", CancellationToken.None).WaitAsync(RecordingEvents.Wait);

        Assert.Equal((1001, "going"), await events.WaitClosedAsync());
        Assert.Equal((1001, "going"), await log.ClientClosed.Task.WaitAsync(RecordingEvents.Wait));
        Assert.Single(events.Log, e => e == "close");
        Assert.Empty(events.Violations);
    }

    [Fact]
    public async Task CloseAsync_ServerNeverAnswersAndTokenFires_AbortsWith1006()
    {
        await using var server = await TestWsServer.StartRawAsync((stream, ct) => RawFrames.DrainUntilEndAsync(stream, ct));
        var (connection, events) = Connect(server.Url);
        await events.WaitOpenAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await connection.CloseAsync(1000, "bye", cts.Token).WaitAsync(RecordingEvents.Wait);

        Assert.True(events.Closed.Task.IsCompleted, "OnClose fired before CloseAsync completed");
        Assert.Equal(1006, (await events.WaitClosedAsync()).Code);
        Assert.Empty(events.Violations);
    }

    [Fact]
    public async Task DisposeAsync_OpenConnection_OnClose1006IsTheLastEvent()
    {
        var log = new ServerLog();
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, log, echo: true, ct));
        var (connection, events) = Connect(server.Url);
        await events.WaitOpenAsync();

        await connection.DisposeAsync();

        Assert.True(events.Closed.Task.IsCompleted, "OnClose fired before DisposeAsync completed");
        Assert.Equal(1006, (await events.WaitClosedAsync()).Code);
        Assert.False(connection.IsOpen);
        Assert.False(connection.Send("x"u8.ToArray()));
        await connection.DisposeAsync(); // idempotent
        await connection.CloseAsync(1000, string.Empty, CancellationToken.None); // no-op after the end
        Assert.Equal(["open", "close"], events.Log);
        await log.SessionEnded.Task.WaitAsync(RecordingEvents.Wait); // the server saw the connection go
    }

    [Fact]
    public async Task DisposeAsync_Transport_EndsEveryConnection()
    {
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, new ServerLog(), echo: false, ct));
        var all = Enumerable.Range(0, 5).Select(_ => Connect(server.Url)).ToList();
        await Task.WhenAll(all.Select(c => c.Events.WaitOpenAsync()));

        await Transport.DisposeAsync();

        foreach (var (_, events) in all)
        {
            Assert.True(events.Closed.Task.IsCompleted, "OnClose fired before the transport's DisposeAsync completed");
            Assert.Equal(1006, (await events.WaitClosedAsync()).Code);
        }

        Assert.Equal(0, Transport.LiveConnectionCount);
        var late = Connect(server.Url);
        Assert.Contains("unloading", (await late.Events.WaitClosedAsync()).Reason, StringComparison.Ordinal);
    }
}
