using Microsoft.Playwright;
using PluginNet.TestSupport;

namespace PluginNet.Inspector.Tests.Browser;

/// <summary>Debian's chromium (/usr/bin/chromium) under Playwright, headless; screenshots go to artifacts/test-results/.</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: run ./test.sh from the repository root, which installs it (Debian package chromium)");
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    /// <summary>Saves a full-page screenshot as a test artefact and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var file = System.IO.Path.Combine(RepoPaths.Root, "artifacts", "test-results", name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 1000, "the screenshot is empty");
        return file;
    }
}
