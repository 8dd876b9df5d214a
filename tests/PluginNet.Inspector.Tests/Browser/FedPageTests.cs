using Microsoft.Playwright;
using PluginNet.Core.Observation;
using PluginNet.Plugins.Inspector;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static PluginNet.Inspector.Tests.Observations;

namespace PluginNet.Inspector.Tests.Browser;

/// <summary>
/// The page in a real Chromium, fed observations directly (as the host would): WebSocket connections
/// and UDP sockets with their messages, script errors with tracebacks, filters, pause and clear.
/// </summary>
public sealed class FedPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly NetInspector _inspector = new();
    private Uri _url = null!;

    public async Task InitializeAsync() => _url = await _inspector.StartAsync(0);

    public async Task DisposeAsync() => await _inspector.DisposeAsync();

    [Fact]
    public async Task WebSocketAndUdp_ShowConnectionsWithTheirMessages()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_url.ToString());
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "live");

        _inspector.OnWebSocket(Ws("ws.lua", 4, WebSocketObservationKind.Connecting));
        _inspector.OnWebSocket(Ws("ws.lua", 4, WebSocketObservationKind.Opened, atMs: 3));
        _inspector.OnWebSocket(Ws("ws.lua", 4, WebSocketObservationKind.Sent, "{\"ping\":1}", atMs: 5));
        _inspector.OnWebSocket(Ws("ws.lua", 4, WebSocketObservationKind.Received, "{\"pong\":1}", atMs: 9));
        _inspector.OnWebSocket(Ws("ws.lua", 4, WebSocketObservationKind.Closed, atMs: 12));
        _inspector.OnWebSocket(Ws("srv.lua", 1, WebSocketObservationKind.Sent, "tick", side: WebSocketSide.Server, client: 2) with { Url = "127.0.0.1:5000/" });
        _inspector.OnUdp(Udp("udp.lua", 7, UdpObservationKind.Opened));
        _inspector.OnUdp(Udp("udp.lua", 7, UdpObservationKind.Received, [0xde, 0xad, 0xbe, 0xef]));

        var client = page.Locator("#ws tbody tr[data-side='client']");
        await Expect(client).ToHaveAttributeAsync("data-state", "closed");
        await Expect(client).ToHaveAttributeAsync("data-messages", "2");
        await Expect(client.Locator("[data-field='close']")).ToHaveTextAsync("1000");
        await Expect(client.Locator("[data-field='url']")).ToHaveTextAsync("ws://127.0.0.1:9/echo");
        var server = page.Locator("#ws tbody tr[data-side='server']");
        await Expect(server.Locator("[data-field='side']")).ToHaveTextAsync("server (client 2)");
        await Expect(server).ToHaveAttributeAsync("data-messages", "1");

        await client.ClickAsync();
        var messages = page.Locator("#detail-messages tr");
        await Expect(messages).ToHaveCountAsync(2);
        await Expect(messages.Nth(0)).ToHaveAttributeAsync("data-dir", "send");
        await Expect(messages.Nth(1)).ToHaveAttributeAsync("data-dir", "receive");
        await Expect(messages.Nth(1).Locator("[data-field='preview']")).ToHaveTextAsync("{ \"pong\": 1 }");
        await Expect(page.Locator("#detail [data-field='closeCode']")).ToHaveTextAsync("1000");
        await messages.Nth(1).ClickAsync();
        await Expect(page.Locator("#detail-message-text")).ToHaveAttributeAsync("data-format", "json");

        // Traffic elsewhere refreshes the open detail: the opened message stays open and marked.
        _inspector.OnUdp(Udp("late.lua", 8, UdpObservationKind.Opened));
        await Expect(page.Locator("#udp tbody tr[data-script='late.lua']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#detail-message-text")).ToHaveAttributeAsync("data-format", "json");
        await Expect(messages.Nth(1)).ToHaveClassAsync("selected");

        var udp = page.Locator("#udp tbody tr[data-script='udp.lua']");
        await Expect(udp).ToHaveAttributeAsync("data-datagrams", "1");
        await udp.ClickAsync();
        await Expect(page.Locator("#detail-messages tr")).ToHaveAttributeAsync("data-format", "hex");
        await Expect(page.Locator("#detail-messages tr [data-field='preview']")).ToContainTextAsync("de ad be ef");
        output.WriteLine(await Chromium.ScreenshotAsync(page, "inspector-fed-ws-udp.png"));
    }

    [Fact]
    public async Task ScriptErrors_Filters_PauseAndClear()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        using var feedMessages = new SemaphoreSlim(0);
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, _) => feedMessages.Release();
        await page.GotoAsync(_url.ToString());
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "live");

        _inspector.OnScript(new ScriptObservation("bad.lua", ScriptObservationKind.Loaded, T0));
        _inspector.OnScript(new ScriptObservation("bad.lua", ScriptObservationKind.Error, T0) { Message = "bad.lua:3: boom", Traceback = "stack traceback:\n\tbad.lua:3: in function 'f'" });
        foreach (var (id, status) in new[] { (1L, 200), (2L, 404) })
        {
            var started = Started("web.lua", id, Get($"http://127.0.0.1:9/{status}"));
            _inspector.OnHttp(started);
            _inspector.OnHttp(Finished(started, Response(status, "{}"), 5));
        }

        await Expect(page.Locator("#scripts tr[data-script='bad.lua']")).ToHaveAttributeAsync("data-errors", "1");
        var error = page.Locator("#script-events tr[data-event='Error']");
        await Expect(error.Locator("[data-field='message']")).ToHaveTextAsync("bad.lua:3: boom");
        await Expect(error.Locator("[data-field='traceback']")).ToContainTextAsync("in function 'f'");
        await Expect(page.Locator("#http tbody tr:not(.hidden)")).ToHaveCountAsync(2);

        await page.Locator("#filter-status").SelectOptionAsync("4xx");
        await Expect(page.Locator("#http tbody tr:not(.hidden)")).ToHaveCountAsync(1);
        await Expect(page.Locator("#http tbody tr:not(.hidden)")).ToHaveAttributeAsync("data-status", "404");
        await page.Locator("#filter-status").SelectOptionAsync(string.Empty);
        await page.Locator("#filter-text").FillAsync("/200");
        await Expect(page.Locator("#http tbody tr:not(.hidden)")).ToHaveAttributeAsync("data-status", "200");
        await page.Locator("#filter-text").FillAsync(string.Empty);
        await page.Locator("#filter-script").SelectOptionAsync("bad.lua");
        await Expect(page.Locator("#http tbody tr:not(.hidden)")).ToHaveCountAsync(0);
        await page.Locator("#filter-script").SelectOptionAsync(string.Empty);
        await page.Locator("#filter-kind").SelectOptionAsync("ws");
        await Expect(page.Locator("#section-http")).ToBeHiddenAsync();
        await page.Locator("#filter-kind").SelectOptionAsync(string.Empty);

        // Paused, new traffic waits; resumed, it shows.
        await page.Locator("#pause").ClickAsync();
        await Expect(page.Locator("#pause")).ToHaveAttributeAsync("data-held", "0");

        // The feed sends the scripts at least every second: two such batches with nothing new arrive while
        // paused, and nothing is held for them (the page used to queue one a second for as long as it paused).
        while (feedMessages.CurrentCount > 0)
        {
            await feedMessages.WaitAsync();
        }

        for (var i = 0; i < 2; i++)
        {
            Assert.True(await feedMessages.WaitAsync(TimeSpan.FromSeconds(10)), "no feed message within 10 s");
        }

        await Expect(page.Locator("#pause")).ToHaveAttributeAsync("data-held", "0");
        var later = Started("web.lua", 3, Get("http://127.0.0.1:9/later"));
        _inspector.OnHttp(later);
        await Expect(page.Locator("#pause")).Not.ToHaveAttributeAsync("data-held", "0"); // its batch arrived and is held
        await Expect(page.Locator("#http tbody tr")).ToHaveCountAsync(2);
        await page.Locator("#pause").ClickAsync();
        await Expect(page.Locator("#http tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#http tbody tr[data-url$='/later']")).ToHaveAttributeAsync("data-state", "pending");

        await page.Locator("#clear").ClickAsync();
        await Expect(page.Locator("#http tbody tr")).ToHaveCountAsync(0);
        Assert.Empty(_inspector.Store.Snapshot());
    }
}
