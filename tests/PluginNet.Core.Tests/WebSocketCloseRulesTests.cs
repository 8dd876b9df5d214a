using PluginNet.Core.Transports;

namespace PluginNet.Core.Tests;

/// <summary>The one close-code and close-reason rule both WebSocket plugins apply.</summary>
public class WebSocketCloseRulesTests
{
    [Theory]
    [InlineData(1000, true)]
    [InlineData(1003, true)]
    [InlineData(1004, false)]
    [InlineData(1005, false)]
    [InlineData(1006, false)]
    [InlineData(1007, true)]
    [InlineData(1014, true)]
    [InlineData(1015, false)]
    [InlineData(1016, false)]
    [InlineData(2999, false)]
    [InlineData(3000, true)]
    [InlineData(4999, true)]
    [InlineData(5000, false)]
    [InlineData(999, false)]
    public void IsSendable_Code_AsRfc6455Says(int code, bool sendable) =>
        Assert.Equal(sendable, WebSocketCloseRules.IsSendable(code));

    [Fact]
    public void TruncateReason_LongerThan123Bytes_CutWithoutSplittingACharacter()
    {
        var reason = new string('a', 122) + "é" + "more"; // é is two bytes: it would end at byte 124

        var cut = WebSocketCloseRules.TruncateReason(reason);

        Assert.Equal(new string('a', 122), cut);
        Assert.Equal("short", WebSocketCloseRules.TruncateReason("short"));
        Assert.Equal(120, System.Text.Encoding.UTF8.GetByteCount(WebSocketCloseRules.TruncateReason(string.Concat(Enumerable.Repeat("😀", 40)))));
    }
}
