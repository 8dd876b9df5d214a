using System.Net.WebSockets;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Security;

/// <summary>
/// Messages still arriving (reassembly buffers) draw on one budget per server (and one per process):
/// a client whose message would take the server past it is closed with 1013, the others go on, and
/// the bytes come back when a message completes or a client goes.
/// </summary>
public sealed class ReassemblyBudgetTests
{
    private const int Megabyte = 1024 * 1024;

    [Fact]
    public async Task TwoFragmentedMessages_OverTheServersBudget_OneClientClosedWith1013_TheOtherAndABystanderServed()
    {
        // A 3 MB message holds a 4 MB buffer (it grows by doubling, 2 MB to 4 MB): one 4 MB buffer
        // beside the other's 2 MB fits in 7 MB, two 4 MB buffers do not. So exactly one client is
        // refused whichever grows first. (At 6 MB the first to grow is refused and the second only
        // fits once the first has given its 2 MB back: when both grow at once, both are refused.)
        var request = ServerHarness.Request() with { MaxReassemblyBytesPerServer = 7 * Megabyte };
        await using var harness = ServerHarness.Start(request);
        var (bystander, bystanderId) = await harness.ConnectAsync();
        var (a, aId) = await harness.ConnectAsync();
        var (b, bId) = await harness.ConnectAsync();

        // Each sends all but the last fragment of its 3 MB message, in 64 KB fragments.
        var sendA = SendFragmentsAsync(a, 3 * Megabyte, finish: false);
        var sendB = SendFragmentsAsync(b, 3 * Megabyte, finish: false);
        await await Task.WhenAny(harness.Events.ClosedAsync(aId), harness.Events.ClosedAsync(bId));
        var aLost = harness.Events.ErrorsOf(aId).Any(e => e.Contains("budget", StringComparison.Ordinal));
        var (loser, loserId, winner, winnerId, winnerSend) = aLost ? (a, aId, b, bId, sendB) : (b, bId, a, aId, sendA);

        Assert.Equal(Documented.TryAgainLater, (await harness.Events.ClosedAsync(loserId)).Code);
        Assert.Contains(harness.Events.ErrorsOf(loserId), e => e.Contains("budget", StringComparison.Ordinal) && e.Contains("1013", StringComparison.Ordinal));
        Assert.False(harness.Events.HasMessage(loserId));

        // The bystander keeps echoing; the other client's message completes and arrives whole.
        await bystander.SendTextAsync("still served");
        Assert.Equal("still served"u8.ToArray(), (await harness.Events.NextMessageAsync(bystanderId)).Payload);
        await winnerSend;
        await winner.SendAsync(new byte[] { 7 }, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        Assert.Equal(3 * Megabyte + 1, (await harness.Events.NextMessageAsync(winnerId)).Payload.Length);

        // Its bytes came back: a new client can send a 3 MB message again.
        var (c, cId) = await harness.ConnectAsync();
        await SendFragmentsAsync(c, 3 * Megabyte, finish: true);
        Assert.Equal(3 * Megabyte, (await harness.Events.NextMessageAsync(cId)).Payload.Length);
        foreach (var socket in new[] { bystander, loser, winner, c })
        {
            socket.Dispose();
        }
    }

    private static async Task SendFragmentsAsync(WebSocket socket, int total, bool finish)
    {
        var fragment = new byte[64 * 1024];
        try
        {
            for (var sent = 0; sent < total; sent += fragment.Length)
            {
                var last = finish && sent + fragment.Length >= total;
                await socket.SendAsync(fragment, WebSocketMessageType.Binary, last, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
            // The client closed for the budget: the server dropped it while it was still sending.
        }
    }
}
