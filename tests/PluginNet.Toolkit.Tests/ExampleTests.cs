using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using PluginNet.TestSupport;
using PluginNet.Toolkit.Tests.Support;

namespace PluginNet.Toolkit.Tests;

/// <summary>
/// Every example in examples/ runs under the real command line, offline: the HTTP ones replay their
/// cassettes through the Replay plugin (examples/plugins.replay.json, no Http plugin loaded), the
/// WebSocket ones talk to 127.0.0.1 only. Each must end by itself with exit code 0.
/// </summary>
public class ExampleTests
{
    /// <summary>The example scripts the tests below run; every .lua file in examples/ must be one of them.</summary>
    private static readonly string[] Covered =
    [
        "companion_app.lua", "companion_link.lua", "companion_link_task.lua", "dashboard.lua", "discord_screenshot.lua", "discord_webhook.lua", "download.lua",
        "http_seed.lua", "llm_chat_stream.lua", "telemetry_receiver.lua", "telemetry_sender.lua", "version_check.lua", "version_check_task.lua", "ws_echo.lua",
    ];

    [Fact]
    public void Examples_EveryLuaFile_IsRunByATest()
    {
        var present = Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples"), "*.lua").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(Covered, present);
    }

    [Fact]
    public async Task DiscordWebhook_RateLimitedOnce_RetriedByTheHostThenDelivered()
    {
        var run = await RunReplayedAsync("discord_webhook.lua");

        // The recording answers 429 first: the retry option (not the script) sends the post again.
        Assert.Equal(
            [
                "webhook: posting",
                "webhook: delivered (HTTP 204) after 2 attempt(s)",
            ],
            run.Stdout);
    }

    [Fact]
    public async Task DiscordScreenshot_MultipartWithTheFile_PostedAndTheAttachmentReported()
    {
        var downloads = LuaScripts.NewFolder();
        Cassettes.PrepareDownloads("discord_screenshot.lua", downloads);

        var run = await RunReplayedAsync("discord_screenshot.lua", downloads);

        var size = new FileInfo(Path.Combine(RepoPaths.Root, "examples", "screenshots", "match.png")).Length;
        Assert.Equal([$"screenshot: posted as message 1100000000000000001: match.png ({size} bytes, image/png)"], run.Stdout);
    }

    [Fact]
    public async Task DiscordScreenshot_AnotherImage_NotInTheCassette_FailsWithoutSending()
    {
        var downloads = LuaScripts.NewFolder();
        Directory.CreateDirectory(Path.Combine(downloads, "screenshots"));
        await File.WriteAllBytesAsync(Path.Combine(downloads, "screenshots", "match.png"), [0x89, (byte)'P', (byte)'N', (byte)'G']);

        var run = await RunReplayedAsync("discord_screenshot.lua", downloads);

        Assert.Empty(run.Stdout);
        Assert.Contains("screenshot: not posted: no recorded exchange for POST https://discord.com/api/webhooks/", run.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LlmChatStream_ReplayedEventStream_AnswerPrintedLineByLineInOrderThenTheSummary()
    {
        var run = await RunReplayedAsync("llm_chat_stream.lua");

        // 19 pieces from the data: events (the role-only first chunk and the finish chunk carry no text),
        // joined into lines as they complete; [DONE] ends it.
        Assert.Equal(
            [
                "chat: asking gpt-4o-mini, the answer streams in",
                "> Three classic racing games:",
                "> 1. Out Run (1986)",
                "> 2. Gran Turismo (1997)",
                "> 3. Super Mario Kart (1992)",
                "chat: done (stop): 95 characters in 19 pieces",
            ],
            run.Stdout);
        Assert.Empty(run.Stderr);
    }

    [Theory]
    [InlineData(null, "version check: 1.4.2 is running, 1.5.0 is out: update available at https://github.com/example/hud-mod/releases/tag/v1.5.0")]
    [InlineData("1.5.0", "version check: 1.5.0 is up to date")]
    [InlineData("v1.5.0+build.7", "version check: v1.5.0+build.7 is up to date")]
    [InlineData("1.5.0-rc.1", "version check: 1.5.0-rc.1 is running, 1.5.0 is out: update available at https://github.com/example/hud-mod/releases/tag/v1.5.0")]
    [InlineData("1.10.0", "version check: 1.10.0 is newer than the latest release (1.5.0)")]
    public async Task VersionCheck_RunningVersion_ComparedSemantically(string? running, string expected)
    {
        var environment = new Dictionary<string, string>();
        if (running is not null)
        {
            environment["HUD_MOD_VERSION"] = running;
        }

        var run = await RunReplayedAsync("version_check.lua", environment: environment);

        Assert.Equal([expected], run.Stdout);
    }

    [Theory]
    [InlineData(null, "version check: 1.4.2 is running, 1.5.0 is out: update available at https://github.com/example/hud-mod/releases/tag/v1.5.0")]
    [InlineData("1.5.0-rc.1", "version check: 1.5.0-rc.1 is running, 1.5.0 is out: update available at https://github.com/example/hud-mod/releases/tag/v1.5.0")]
    [InlineData("1.10.0", "version check: 1.10.0 is newer than the latest release (1.5.0)")]
    public async Task VersionCheckTask_TaskStyle_SameAnswersAsTheCallbackStyle(string? running, string expected)
    {
        var environment = new Dictionary<string, string>();
        if (running is not null)
        {
            environment["HUD_MOD_VERSION"] = running;
        }

        var run = await RunReplayedAsync("version_check_task.lua", environment: environment);

        Assert.Equal([expected], run.Stdout);
    }

    [Fact]
    public async Task Download_SaveToFile_WritesThePackageAndHoldsNothingInMemory()
    {
        var downloads = LuaScripts.NewFolder();

        var run = await RunReplayedAsync("download.lua", downloads);

        Assert.Equal(
            [
                "download: version 1.5.0 is hud-mod-1.5.0.zip (1048576 bytes)",
                "download: saved hud-mod/hud-mod-1.5.0.zip under the download folder (HTTP 200, 0 bytes held in memory)",
            ],
            run.Stdout);
        Assert.Equal(ApiImitation.Package, await File.ReadAllBytesAsync(Path.Combine(downloads, "hud-mod", "hud-mod-1.5.0.zip")));
        Assert.Single(Directory.GetFiles(downloads, "*", SearchOption.AllDirectories)); // no temporary leftovers
    }

    [Fact]
    public async Task HttpSeed_EveryRequestOfTheApiDocument_AnsweredFromItsCassette()
    {
        var downloads = LuaScripts.NewFolder();

        var run = await RunReplayedAsync("http_seed.lua", downloads);

        // The six requests are in flight together, so they may answer in any order.
        Assert.Equal("all requests answered", run.Stdout[^1]);
        Assert.Equal(
            [
                "delete       OK    status=204, 0 bytes",
                "download     OK    status=200, 0 bytes",
                "get          OK    status=200, 197 bytes",
                "get+headers  OK    status=200, 39 bytes",
                "post         OK    status=201, 15 bytes",
                "post+options OK    status=201, 15 bytes",
            ],
            run.Stdout.SkipLast(1).Order(StringComparer.Ordinal));
        Assert.Equal(22, new FileInfo(Path.Combine(downloads, "big.zip")).Length);
    }

    [Fact]
    public async Task CompanionLink_AppGoesAwayAndComesBack_ReconnectsWithBackOff()
    {
        var port = LoopbackPorts.Free();

        var run = await PluginNetProcess.RunAsync(
            [Example("companion_app.lua"), Example("companion_link.lua"), "--timeout", "60"],
            new Dictionary<string, string> { ["COMPANION_PORT"] = port.ToString(CultureInfo.InvariantCulture) });

        Assert.True(run.ExitCode == 0, run.Transcript);
        var url = $"ws://127.0.0.1:{port}/";
        AssertInOrder(
            run,
            $"app: session 1 listening on {url}",
            $"link: connected to {url}",
            "link: app session 1 says welcome",
            "link: status from session 1: recording, 42 fps",
            "app: session 1 crashes; back in 1.5 s",
            "link: the app went away (the server closed the connection (1001, server closing); reconnecting)",
            "link: retrying in 0.25 s",
            "link: app not reachable (cannot connect to " + url + ": connection refused; is the server running, and is the port right?)",
            "link: retrying in 0.50 s",
            $"link: connected to {url}",
            "link: app session 2 says welcome",
            "link: status from session 2: recording, 42 fps",
            "link: done after 2 sessions",
            "app: the link left after the last session; done");
    }

    [Fact]
    public async Task CompanionLinkTask_AppGoesAwayAndComesBack_OneLoopReconnectsWithBackOff()
    {
        var port = LoopbackPorts.Free();

        var run = await PluginNetProcess.RunAsync(
            [Example("companion_app.lua"), Example("companion_link_task.lua"), "--timeout", "60"],
            new Dictionary<string, string> { ["COMPANION_PORT"] = port.ToString(CultureInfo.InvariantCulture) });

        Assert.True(run.ExitCode == 0, run.Transcript);
        var url = $"ws://127.0.0.1:{port}/";
        AssertInOrder(
            run,
            $"app: session 1 listening on {url}",
            $"link: connected to {url}",
            "link: app session 1 says welcome",
            "link: status from session 1: recording, 42 fps",
            "app: session 1 crashes; back in 1.5 s",
            "link: the app went away (closed (1001: server closing))",
            "link: retrying in 0.25 s",
            "link: app not reachable (cannot connect to " + url + ": connection refused; is the server running, and is the port right?)",
            "link: retrying in 0.50 s",
            $"link: connected to {url}",
            "link: app session 2 says welcome",
            "link: status from session 2: recording, 42 fps",
            "link: done after 2 sessions",
            "app: the link left after the last session; done");
    }

    [Fact]
    public async Task Dashboard_PageConnectsAndSendsQuit_StateArrivesAndTheRunEnds()
    {
        await using var host = PluginNetProcess.Start(
            [Example("dashboard.lua"), "--timeout", "60"], new Dictionary<string, string> { ["PLUGINNET_DASHBOARD_PORT"] = "0" });
        var line = await host.WaitForLineAsync(l => l.StartsWith("dashboard: open http://", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var site = new Uri(line["dashboard: open ".Length..line.IndexOf(' ', "dashboard: open ".Length)]);

        using var http = new HttpClient();
        var html = await http.GetStringAsync(site);
        using var page = new ClientWebSocket();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await page.ConnectAsync(new Uri($"ws://{site.Authority}/ws"), limit.Token);
        var hello = await ReceiveAsync(page, limit.Token);
        var state = await ReceiveAsync(page, limit.Token);
        await page.SendAsync("""{"cmd":"quit"}"""u8.ToArray(), WebSocketMessageType.Text, true, limit.Token);
        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("<title>PluginNet dashboard</title>", html, StringComparison.Ordinal);
        Assert.Equal("""{"client":1,"type":"hello"}""", hello);
        Assert.Contains("\"type\":\"state\"", state, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Contains("command from page 1: quit", host.Stdout);
    }

    [Fact]
    public async Task WsEcho_OwnEchoServer_FiveRunsEchoedAndAMedian()
    {
        var run = await PluginNetProcess.RunAsync([Example("ws_echo.lua"), "--timeout", "60"]);

        Assert.True(run.ExitCode == 0, run.Transcript);
        Assert.Equal(5, run.Stdout.Count(l => l.StartsWith("run ", StringComparison.Ordinal) && l.Contains(" done: 5000 round trips", StringComparison.Ordinal)));
        Assert.Matches(@"^median of 5 runs: \d+ round trips/s$", run.Stdout[^1]);
        Assert.Empty(run.Stderr);
    }

    private static string Example(string name) => Path.Combine("examples", name);

    private static async Task<ProcessResult> RunReplayedAsync(string example, string? downloads = null, Dictionary<string, string>? environment = null)
    {
        var run = await PluginNetProcess.RunAsync(
            [Example(example), "--plugins", Cassettes.ReplayConfig, "--download-dir", downloads ?? LuaScripts.NewFolder(), "--timeout", "60"],
            environment);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}\n{run.Transcript}");
        return run;
    }

    [Fact]
    public async Task Telemetry_SenderPlaysTheGame_ReceiverDecodesEveryPacket()
    {
        var port = FreeUdpPort();

        var run = await PluginNetProcess.RunAsync(
            [Example("telemetry_receiver.lua"), Example("telemetry_sender.lua"), "--timeout", "60"],
            new Dictionary<string, string> { ["TELEMETRY_PORT"] = port.ToString(CultureInfo.InvariantCulture) });

        Assert.True(run.ExitCode == 0, run.Transcript);
        AssertInOrder(
            run,
            $"receiver: listening on 127.0.0.1:{port}",
            $"sender: sending 120 packets to 127.0.0.1:{port}",
            "receiver: packet 60: 90.0 km/h, 4500 rpm, gear 3",
            "receiver: packet 120: 180.0 km/h, 6000 rpm, gear 5",
            "sender: done",
            "receiver: 120 packets, 0 lost, top speed 180.0 km/h");
    }

    private static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    private static void AssertInOrder(ProcessResult run, params string[] expected)
    {
        var at = 0;
        foreach (var line in run.Stdout)
        {
            if (at < expected.Length && line == expected[at])
            {
                at++;
            }
        }

        Assert.True(at == expected.Length, $"missing, in this order: '{(at < expected.Length ? expected[at] : "")}'\n{run.Transcript}");
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var message = new List<byte>();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            message.AddRange(buffer.AsSpan(0, result.Count));
        }
        while (!result.EndOfMessage);

        return Encoding.UTF8.GetString([.. message]);
    }
}
