using System.Text;
using PluginNet.Plugins.Inspector.Render;
using PluginNet.Plugins.Inspector.Store;

namespace PluginNet.Inspector.Tests.Render;

public sealed class BodyPreviewTests
{
    [Fact]
    public void Json_IsPrettyPrinted()
    {
        var (format, text) = BodyPreview.Render(Payload.Copy("{\"a\":1,\"b\":[true]}"u8, 1024), false, 10_000);
        Assert.Equal("json", format);
        Assert.Contains("\n  \"a\": 1,", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_IsAHexDump_WithOffsetsAndPrintables()
    {
        var (format, text) = BodyPreview.Render(Payload.Copy(new byte[] { 0, 1, 2, 0x41, 0xff }, 1024), false, 10_000);
        Assert.Equal("hex", format);
        Assert.StartsWith("00000000  00 01 02 41 ff ", text, StringComparison.Ordinal);
        Assert.EndsWith("...A.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedJson_IsShownAsText_NotReformatted()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('z', 5000) + "\"}");
        var payload = Payload.Copy(body, 100);
        Assert.True(payload.Truncated);
        var (format, text) = BodyPreview.Render(payload, false, 10_000);
        Assert.Equal("text", format);
        Assert.Equal(100, text.Length);
    }

    [Fact]
    public void TextCutInsideACharacter_IsStillText()
    {
        var payload = Payload.Copy(Encoding.UTF8.GetBytes("héllo wörld"), 9); // cuts inside ö
        Assert.Equal("text", BodyPreview.Render(payload, false, 100).Format);
    }

    [Fact]
    public void ThePreview_IsCutAtTheLimit()
    {
        var (_, text) = BodyPreview.Render(Payload.Copy(Encoding.UTF8.GetBytes(new string('a', 5000)), 10_000), false, 300);
        Assert.Equal(300, text.Length);
    }
}
