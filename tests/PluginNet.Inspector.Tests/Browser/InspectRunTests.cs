using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using PluginNet.TestSupport;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PluginNet.Inspector.Tests.Browser;

/// <summary>
/// <c>pluginnet run --inspect</c> for real: a script's HTTP (200, 404, a redirect, a cancelled request),
/// a WebSocket echo and a ws_server broadcast, seen through the page in a real Chromium (checked in the
/// DOM, with a screenshot as an artefact) and through the HAR export (entries and timings).
/// </summary>
public sealed class InspectRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Inspect_ShowsEveryExchangeConnectionAndMessage_AndExportsThemAsHar()
    {
        await using var peers = await TrafficScript.StartPeersAsync();
        await using var host = PluginNetProcess.Start([TrafficScript.Write(peers), "--inspect"]);
        var url = (await host.WaitForLineAsync(l => l.StartsWith("inspector: http://127.0.0.1:", StringComparison.Ordinal)))["inspector: ".Length..];
        var port = int.Parse((await host.WaitForLineAsync(l => l.StartsWith("listening ", StringComparison.Ordinal)))["listening ".Length..], CultureInfo.InvariantCulture);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await page.GotoAsync(url);
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "live");
        var script = page.Locator("#scripts tr[data-script='traffic.lua']");
        await Expect(script).ToHaveAttributeAsync("data-state", "loaded");
        await Expect(script.Locator("li[data-resource-kind='Server']")).ToHaveCountAsync(1); // its ledger

        // A client joins the script's server: it broadcasts, then makes its traffic.
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), CancellationToken.None);
        Assert.Equal("broadcast to all", await ReceiveTextAsync(client));
        foreach (var line in new[] { "ok 200", "missing 404", "redirect 200 1", "slow cancelled", "ws closed 1000" })
        {
            await host.WaitForLineAsync(l => l == line);
        }

        await ExpectHttpRowsAsync(page);
        await ExpectWebSocketRowsAsync(page);
        await page.Locator("#http tbody tr[data-url*='/ok?']").ClickAsync();
        await Expect(page.Locator("#detail-response-body")).ToHaveAttributeAsync("data-format", "json");
        output.WriteLine($"screenshot: {await Chromium.ScreenshotAsync(page, "inspector.png")}");
        await ExpectSecretsShownOnAClickAsync(page);

        await ExpectHarAsync(new Uri(new Uri(url), "har"));

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    private static async Task ExpectHttpRowsAsync(IPage page)
    {
        var ok = page.Locator("#http tbody tr[data-url*='/ok?']");
        await Expect(ok).ToHaveAttributeAsync("data-status", "200");
        await Expect(ok).ToHaveAttributeAsync("data-url", new System.Text.RegularExpressions.Regex(@"/ok\?token=•+&page=1$"));
        await Expect(ok.Locator("[data-field='size']")).ToHaveTextAsync($"{TrafficScript.Json.Length} B");
        await Expect(page.Locator("#http tbody tr[data-url$='/missing']")).ToHaveAttributeAsync("data-status", "404");
        var redirect = page.Locator("#http tbody tr[data-url$='/redirect']");
        await Expect(redirect).ToHaveAttributeAsync("data-status", "200");
        await Expect(redirect.Locator("[data-field='notes']")).ToContainTextAsync("1 redirect");
        await Expect(page.Locator("#http tbody tr[data-url$='/slow']")).ToHaveAttributeAsync("data-state", "cancelled");

        await ok.ClickAsync();
        var detail = page.Locator("#detail");
        await Expect(detail.Locator("[data-field='status']")).ToHaveTextAsync("200");
        await Expect(detail.Locator("[data-field='method']")).ToHaveTextAsync("GET");
        foreach (var timing in new[] { "queued", "connected", "firstByte", "done" })
        {
            await Expect(detail.Locator($"[data-field='{timing}']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d$"));
        }

        await Expect(page.Locator("#detail-response-headers tr[data-name='content-type'] td").Nth(1)).ToHaveTextAsync("application/json");
        await Expect(page.Locator("#detail-response-body")).ToContainTextAsync("\"level\": 7");
        await page.Locator("#http tbody tr[data-url$='/redirect']").ClickAsync();
        await Expect(detail.Locator("[data-field='finalUrl']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("/ok$"));
        await Expect(detail.Locator("[data-field='redirects']")).ToHaveTextAsync("1");
    }

    private static async Task ExpectWebSocketRowsAsync(IPage page)
    {
        var echo = page.Locator("#ws tbody tr[data-side='client']");
        await Expect(echo).ToHaveAttributeAsync("data-url", new System.Text.RegularExpressions.Regex("/echo$"));
        await Expect(echo).ToHaveAttributeAsync("data-state", "closed");
        await Expect(echo).ToHaveAttributeAsync("data-messages", "2");
        await Expect(echo.Locator("[data-field='close']")).ToContainTextAsync("1000");
        await echo.ClickAsync();
        await Expect(page.Locator("#detail-messages tr[data-dir='send'] [data-field='preview']")).ToHaveTextAsync("{ \"hello\": \"inspector\" }");
        await Expect(page.Locator("#detail-messages tr[data-dir='receive'] [data-field='preview']")).ToHaveTextAsync("{ \"hello\": \"inspector\" }");

        var server = page.Locator("#ws tbody tr[data-side='server']");
        await Expect(server).ToHaveAttributeAsync("data-messages", "1");
        await server.ClickAsync();
        await Expect(page.Locator("#detail-messages tr[data-dir='send'] [data-field='preview']")).ToHaveTextAsync("broadcast to all");
    }

    private static async Task ExpectSecretsShownOnAClickAsync(IPage page)
    {
        await page.Locator("#http tbody tr[data-url*='/ok?']").ClickAsync();
        var authorization = page.Locator("#detail-request-headers tr[data-name='authorization'] td").Nth(1);
        await Expect(authorization).ToHaveTextAsync("••••••");
        await page.Locator("#show-secrets").ClickAsync();
        await Expect(authorization).ToHaveTextAsync("Bearer s3cr3t");
        await Expect(page.Locator("#detail [data-field='url']")).ToContainTextAsync("token=s3cr3t");
    }

    private static async Task ExpectHarAsync(Uri har)
    {
        using var http = new HttpClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync(har));
        var entries = doc.RootElement.GetProperty("log").GetProperty("entries").EnumerateArray().ToList();
        var fetches = entries.Where(e => e.GetProperty("_resourceType").GetString() == "fetch").ToList();
        Assert.Equal(4, fetches.Count);
        int Status(string path) => fetches.Single(e => new Uri(e.GetProperty("request").GetProperty("url").GetString()!).AbsolutePath == path)
            .GetProperty("response").GetProperty("status").GetInt32();
        Assert.Equal(200, Status("/ok"));
        Assert.Equal(404, Status("/missing"));
        Assert.Equal(200, Status("/redirect"));
        Assert.Equal(0, Status("/slow"));
        foreach (var entry in fetches)
        {
            var t = entry.GetProperty("timings");
            var parts = new[] { "blocked", "connect", "send", "wait", "receive" }.Select(n => t.GetProperty(n).GetDouble()).ToList();
            Assert.All(parts, p => Assert.True(p >= 0 || p == -1, $"timing {p}"));
            Assert.Equal(entry.GetProperty("time").GetDouble(), parts.Where(p => p > 0).Sum(), 3);
            Assert.True(DateTimeOffset.TryParse(entry.GetProperty("startedDateTime").GetString(), CultureInfo.InvariantCulture, out _));
        }

        var ok = fetches.Single(e => e.GetProperty("request").GetProperty("url").GetString()!.Contains("/ok?", StringComparison.Ordinal));
        Assert.True(ok.GetProperty("timings").GetProperty("connect").GetDouble() >= 0, "the Http plugin measures connect");
        Assert.Equal(TrafficScript.Json, ok.GetProperty("response").GetProperty("content").GetProperty("text").GetString());

        var sockets = entries.Where(e => e.GetProperty("_resourceType").GetString() == "websocket").ToList();
        var echo = sockets.Single(e => e.GetProperty("_side").GetString() == "client");
        Assert.Equal(["send", "receive"], echo.GetProperty("_webSocketMessages").EnumerateArray().Select(m => m.GetProperty("type").GetString()));
        Assert.All(echo.GetProperty("_webSocketMessages").EnumerateArray(), m => Assert.Equal("{\"hello\":\"inspector\"}", m.GetProperty("data").GetString()));
        var broadcast = sockets.Single(e => e.GetProperty("_side").GetString() == "server");
        Assert.Equal("broadcast to all", broadcast.GetProperty("_webSocketMessages")[0].GetProperty("data").GetString());
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket client)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        var result = await client.ReceiveAsync(buffer, limit.Token);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
