using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PluginNet.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace PluginNet.WsServer.Tests.Examples;

/// <summary>
/// examples/dashboard.lua under the real command line and examples/dashboard.html in a real
/// headless Chromium (Debian's package, driven by Playwright): values arrive live, commands reach Lua.
/// </summary>
public sealed partial class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_OpenedInChromium_ShowsLiveValuesAndItsCommandsReachTheScript()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run ./test.sh from the repository root, which installs it (Debian package chromium)");
        await using var host = PluginNetProcess.Start(
            [RepoPaths.Example("dashboard.lua")], new Dictionary<string, string> { ["PLUGINNET_DASHBOARD_PORT"] = "0" }, console: true);
        var port = int.Parse(
            ListeningLine().Match(await host.WaitForLineAsync(l => ListeningLine().IsMatch(l))).Groups[1].Value,
            CultureInfo.InvariantCulture);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{new Uri(RepoPaths.Example("dashboard.html")).AbsoluteUri}?port={port}");

        // Connected (a file:// page sends Origin: null, which the server accepts) and values move.
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

        // quit unloads the script: the page sees the server go away (1001) and the host exits cleanly.
        await page.EvaluateAsync("dashboard.send({ cmd: 'quit' })");
        await Expect(page.Locator("#status")).ToContainTextAsync("disconnected (1001");
        await browser.CloseAsync();
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [GeneratedRegex(@"^dashboard: ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Number();
}
