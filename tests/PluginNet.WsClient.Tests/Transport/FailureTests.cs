using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;
using PluginNet.WsClient.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PluginNet.WsClient.Tests.Transport;

public sealed class FailureTests(ITestOutputHelper output) : TransportTestBase
{
    [Fact]
    public async Task Connect_RefusedPort_OnErrorThenOnClose1006()
    {
        var url = $"ws://127.0.0.1:{LoopbackPorts.Free()}/";

        var (connection, events) = Connect(url);
        var (code, reason) = await events.WaitClosedAsync();
        output.WriteLine(string.Join(" | ", events.Log));

        Assert.Equal(1006, code);
        Assert.Equal(["error", "close"], events.Log.Select(e => e.Split(':')[0]));
        Assert.Contains("connection refused", events.Errors.Single(), StringComparison.Ordinal);
        Assert.Contains("connection refused", reason, StringComparison.Ordinal);
        Assert.False(connection.IsOpen);
        Assert.False(connection.Send("x"u8.ToArray()));
        await connection.CloseAsync(1000, string.Empty, CancellationToken.None); // no-op, no second OnClose
        Assert.Empty(events.Violations);
    }

    [Theory]
    [InlineData("", "malformed URL")]
    [InlineData("not a url", "malformed URL")]
    [InlineData("ws://", "malformed URL")]
    [InlineData("/just/a/path", "malformed URL")]
    [InlineData("http://127.0.0.1/", "unsupported URL scheme 'http'")]
    public async Task Connect_MalformedUrl_OnErrorSaysWhyThenOnClose1006(string url, string expected)
    {
        var (_, events) = Connect(url);

        var (code, _) = await events.WaitClosedAsync();

        output.WriteLine(string.Join(" | ", events.Log));

        Assert.Equal(1006, code);
        Assert.Contains(expected, events.Errors.Single(), StringComparison.Ordinal);
        Assert.Equal(2, events.Log.Count);
    }

    [Fact]
    public async Task Connect_ServerAnswers403_OnErrorSaysHandshakeRefusedWithTheStatus()
    {
        await using var server = await TestWsServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        });

        var (_, events) = Connect(server.Url);
        var (code, _) = await events.WaitClosedAsync();
        output.WriteLine(string.Join(" | ", events.Log));

        Assert.Equal(1006, code);
        var error = events.Errors.Single();
        Assert.Contains("handshake refused: HTTP 403 Forbidden", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerNeverAnswersHandshake_TimesOut()
    {
        // Accepted by the kernel's backlog, never answered: the handshake hangs until the timeout.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var (_, events) = Connect($"ws://127.0.0.1:{port}/", connectTimeout: TimeSpan.FromMilliseconds(300));

            var (code, _) = await events.WaitClosedAsync();

            output.WriteLine(string.Join(" | ", events.Log));

            Assert.Equal(1006, code);
            Assert.Contains("timed out after 0.3 s", events.Errors.Single(), StringComparison.Ordinal);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task Connect_WssToUntrustedCertificate_ReportsTlsFailure()
    {
        using var certificate = SelfSignedCertificate();
        await using var server = await TestWsServer.StartAsync(
            async context =>
            {
                using var ws = await context.WebSockets.AcceptWebSocketAsync();
                await ServerSide.RunAsync(ws, new ServerLog(), echo: false, context.RequestAborted);
            },
            certificate);
        Assert.StartsWith("wss://", server.Url, StringComparison.Ordinal);

        var (_, events) = Connect(server.Url);
        var (code, _) = await events.WaitClosedAsync();
        output.WriteLine(string.Join(" | ", events.Log));

        Assert.Equal(1006, code);
        Assert.Contains("TLS", events.Errors.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_GarbageFromServer_OnErrorThenOnCloseWithThe1002ItSent()
    {
        await using var server = await TestWsServer.StartRawAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(Enumerable.Repeat((byte)0xFF, 32).ToArray(), ct);
            await RawFrames.DrainUntilEndAsync(stream, ct);
        });

        var (_, events) = Connect(server.Url);
        var (code, _) = await events.WaitClosedAsync();
        output.WriteLine(string.Join(" | ", events.Log));

        Assert.Equal(1002, code); // the socket answered the reserved bits with a close frame 1002
        Assert.Equal(["open", "error", "close"], events.Log.Select(e => e.Split(':')[0]));
        Assert.Empty(events.Violations);
    }

    [Fact]
    public async Task Receive_ConnectionDroppedMidMessage_OnErrorThenOnClose1006()
    {
        await using var server = await TestWsServer.StartRawAsync(async (stream, ct) =>
        {
            // A 100-byte binary frame of which only 10 bytes ever arrive.
            await stream.WriteAsync(new byte[] { 0x82, 100 }, ct);
            await stream.WriteAsync(new byte[10], ct);
            await stream.FlushAsync(ct);
        });

        var (_, events) = Connect(server.Url);
        var (code, reason) = await events.WaitClosedAsync();
        output.WriteLine(string.Join(" | ", events.Log));

        Assert.Equal(1006, code);
        Assert.Contains("connection lost", reason, StringComparison.Ordinal);
        Assert.Equal(["open", "error", "close"], events.Log.Select(e => e.Split(':')[0]));
    }

    [Fact]
    public async Task Receive_CloseFrameMidMessage_PartialDroppedOnErrorThenServerCode()
    {
        await using var server = await TestWsServer.StartRawAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(RawFrames.Frame(RawFrames.Text, "first half"u8, fin: false), ct);
            await stream.WriteAsync(RawFrames.CloseFrame(4002, "changed my mind"), ct);
            await RawFrames.ReadClientFrameAsync(stream, ct);
        });

        var (_, events) = Connect(server.Url);
        var (code, reason) = await events.WaitClosedAsync();
        output.WriteLine(string.Join(" | ", events.Log));

        Assert.Equal((4002, "changed my mind"), (code, reason));
        Assert.Contains("middle of a message", events.Errors.Single(), StringComparison.Ordinal);
        Assert.False(events.TryReadMessage(out _));
    }

    [Fact]
    public async Task Receive_TextThatIsNotUtf8_OnErrorSaysSoThenOnClose1007AsSent()
    {
        var clientFrame = new TaskCompletionSource<(byte Opcode, bool Fin, byte[] Payload)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestWsServer.StartRawAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(RawFrames.Frame(RawFrames.Text, [(byte)'c', 0xC3, 0x28]), ct);
            clientFrame.TrySetResult(await RawFrames.ReadClientFrameAsync(stream, ct));
            await RawFrames.DrainUntilEndAsync(stream, ct);
        });

        var (_, events) = Connect(server.Url);
        var (code, reason) = await events.WaitClosedAsync();
        output.WriteLine(string.Join(" | ", events.Log));

        var (opcode, _, payload) = await clientFrame.Task.WaitAsync(RecordingEvents.Wait);
        Assert.Equal((RawFrames.Close, 1007), (opcode, (payload[0] << 8) | payload[1]));
        Assert.Equal(1007, code);
        Assert.Equal("the server sent a text message that is not valid UTF-8; closed with 1007 (invalid payload data)", events.Errors.Single());
        Assert.Equal(events.Errors.Single(), reason);
    }

    [Fact]
    public async Task Receive_CloseFrameWithoutCode_OnClose1005()
    {
        await using var server = await TestWsServer.StartRawAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(RawFrames.Frame(RawFrames.Close, []), ct);
            await RawFrames.ReadClientFrameAsync(stream, ct);
        });

        var (_, events) = Connect(server.Url);
        var (code, reason) = await events.WaitClosedAsync();
        output.WriteLine(string.Join(" | ", events.Log));

        Assert.Equal((1005, string.Empty), (code, reason));
        Assert.Empty(events.Errors);
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}
