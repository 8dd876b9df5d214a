using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PluginNet.TestSupport;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PluginNet.WsServer.Tests.Examples;

/// <summary>
/// examples/dashboard.lua under the real command line and examples/dashboard.html in a real
/// headless Chromium (Debian's package, driven by Playwright): values arrive live, commands reach Lua.
/// The page is opened as the script serves it (http://127.0.0.1:PORT/) and from disk (file://).
/// </summary>
public sealed partial class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_ServedByItsScript_OpenedAtItsHttpUrl_LiveValuesCommandsAndAScreenshot()
    {
        await using var host = StartDashboard();
        var port = await PortAsync(host);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync($"http://127.0.0.1:{port}/");

        // Same origin as its WebSocket (/ws on the same port), which the server accepts.
        Assert.Equal(200, response?.Status);
        Assert.Equal("text/html; charset=utf-8", response?.Headers["content-type"]);
        await Expect(page.Locator("#url")).ToHaveTextAsync($"ws://127.0.0.1:{port}/ws");
        await ExpectLiveAndCommandsWorkAsync(page, host);

        var screenshot = Path.Combine(RepoPaths.Root, "artifacts", "test-results", "dashboard-served-over-http.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 1000, "the screenshot is empty");

        await QuitAsync(page, browser, host);
    }

    [Fact]
    public async Task Dashboard_OpenedFromDiskInChromium_ShowsLiveValuesAndItsCommandsReachTheScript()
    {
        await using var host = StartDashboard();
        var port = await PortAsync(host);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        // A file:// page sends Origin: null, which the server accepts.
        await page.GotoAsync($"{new Uri(RepoPaths.Example("dashboard.html")).AbsoluteUri}?port={port}");

        await ExpectLiveAndCommandsWorkAsync(page, host);
        await QuitAsync(page, browser, host);
    }

    private static PluginNetProcess StartDashboard()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run ./test.sh from the repository root, which installs it (Debian package chromium)");
        return PluginNetProcess.Start(
            [RepoPaths.Example("dashboard.lua")], new Dictionary<string, string> { ["PLUGINNET_DASHBOARD_PORT"] = "0" }, console: true);
    }

    private static async Task<int> PortAsync(PluginNetProcess host) => int.Parse(
        ListeningLine().Match(await host.WaitForLineAsync(l => ListeningLine().IsMatch(l))).Groups[1].Value,
        CultureInfo.InvariantCulture);

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });

    private static async Task ExpectLiveAndCommandsWorkAsync(IPage page, PluginNetProcess host)
    {
        // Connected and values move.
        await Expect(page.Locator("#status")).ToHaveTextAsync("connected");
        await Expect(page.Locator("#frame")).ToHaveTextAsync(Number());
        var frame = await page.Locator("#frame").TextContentAsync();
        await Expect(page.Locator("#frame")).Not.ToHaveTextAsync(frame!);
        await Expect(page.Locator("#hp")).ToHaveTextAsync(Number());
        await Expect(page.Locator("#paused")).ToHaveTextAsync("no");

        // Commands from the page reach the script, which acts on them.
        await page.Locator("#pause").ClickAsync();
        await host.WaitForLineAsync(l => l == "command from page 1: pause");
        await Expect(page.Locator("#paused")).ToHaveTextAsync("yes");
        await page.Locator("#say-text").FillAsync("hello from chromium");
        await page.Locator("#say").ClickAsync();
        await host.WaitForLineAsync(l => l == "dashboard says: hello from chromium");
        await page.Locator("#heal").ClickAsync();
        await host.WaitForLineAsync(l => l == "command from page 1: heal");
    }

    // quit unloads the script: the page sees the server go away (1001) and the host exits cleanly.
    // The page retries half a second later and that attempt fails (1006, nobody listens): the status line
    // shows 1001 only until then, so every status it takes is recorded and the first disconnect is checked.
    private static async Task QuitAsync(IPage page, IBrowser browser, PluginNetProcess host)
    {
        await page.EvaluateAsync("""
            () => {
              const status = document.getElementById('status');
              window.statuses = [];
              new MutationObserver(() => window.statuses.push(status.textContent))
                .observe(status, { childList: true, characterData: true, subtree: true });
            }
            """);
        await page.EvaluateAsync("dashboard.send({ cmd: 'quit' })");
        await page.WaitForFunctionAsync("() => window.statuses.some(s => s.startsWith('disconnected'))");
        var statuses = await page.EvaluateAsync<string[]>("window.statuses");
        Assert.StartsWith("disconnected (1001", statuses.First(s => s.StartsWith("disconnected", StringComparison.Ordinal)), StringComparison.Ordinal);

        await browser.CloseAsync();
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [GeneratedRegex(@"^dashboard: open http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Number();
}
