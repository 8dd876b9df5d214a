using System.Globalization;
using System.Text;
using System.Text.Json;
using PluginNet.Plugins.Replay.Internal;
using PluginNet.TestSupport;

namespace PluginNet.Toolkit.Tests.Support;

/// <summary>
/// The recordings under <c>examples/cassettes/</c> that the HTTP examples replay, and how they are
/// made: each example runs live, through the real Http plugin and the Replay plugin in record mode,
/// against <see cref="ApiImitation"/> on 127.0.0.1; then the local origin in each recorded URL is
/// replaced by the public one the example uses by default (nothing ever contacts it) and the files
/// are numbered in the example's block.
/// </summary>
internal static class Cassettes
{
    /// <summary>Set to 1 to write fresh recordings into examples/cassettes instead of comparing.</summary>
    public const string UpdateVariable = "PLUGINNET_RECORD_CASSETTES";

    /// <summary>The recorded examples: their block of recording numbers, and the public origin of each path.</summary>
    public static readonly IReadOnlyList<(string Example, int Block, string PathPrefix, string PublicOrigin)> Recorded =
    [
        ("discord_webhook.lua", 100, "/api/webhooks/", "https://discord.com"),
        ("version_check.lua", 200, "/repos/", "https://api.github.com"),
        ("download.lua", 300, "/hud-mod/", "https://cdn.example.com"),
        ("discord_screenshot.lua", 500, "/api/webhooks/", "https://discord.com"),
        ("llm_chat_stream.lua", 600, "/v1/", "https://api.openai.com"),
    ];

    /// <summary>The files under examples/ an example reads from its download folder (copied into it, same relative path).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> DownloadFolderFiles = new Dictionary<string, string[]>
    {
        ["discord_screenshot.lua"] = ["screenshots/match.png"],
    };

    /// <summary>Copies the files <paramref name="example"/> expects into <paramref name="downloads"/>.</summary>
    public static void PrepareDownloads(string example, string downloads)
    {
        foreach (var file in DownloadFolderFiles.GetValueOrDefault(example, []))
        {
            var target = Path.Combine(downloads, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(RepoPaths.Root, "examples", file), target, overwrite: true);
        }
    }

    public static string Folder => Path.Combine(RepoPaths.Root, "examples", "cassettes");

    /// <summary>The plugins file that replays them (Replay serves http; the real Http plugin is not loaded).</summary>
    public static string ReplayConfig => Path.Combine(RepoPaths.Root, "examples", "plugins.replay.json");

    /// <summary>The committed files of the recorded blocks, by file name.</summary>
    public static SortedDictionary<string, byte[]> Committed()
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(Folder))
        {
            var name = Path.GetFileName(path);
            if (BlockOf(name) is not null)
            {
                files[name] = File.ReadAllBytes(path);
            }
        }

        return files;
    }

    /// <summary>Records every example of <see cref="Recorded"/> against <paramref name="api"/> and returns the files as they would be committed.</summary>
    public static async Task<SortedDictionary<string, byte[]>> RecordAsync(ApiImitation api)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (example, block, pathPrefix, publicOrigin) in Recorded)
        {
            var folder = LuaScripts.NewFolder();
            var raw = Path.Combine(folder, "raw");
            var config = Path.Combine(folder, "plugins.record.json");
            await File.WriteAllTextAsync(config, $$"""
                {
                  "plugins": [
                    { "name": "Http", "path": {{JsonSerializer.Serialize(PluginPath("Http"))}} },
                    { "name": "Replay", "path": {{JsonSerializer.Serialize(PluginPath("Replay"))}}, "settings": { "mode": "record", "cassettes": "raw" } }
                  ],
                  "transports": { "http": "Replay" },
                  "permissions": { "default": { "env": ["DISCORD_WEBHOOK_URL", "HUD_MOD_CDN", "HUD_MOD_VERSION", "HUD_MOD_RELEASES_URL", "LLM_CHAT_URL", "LLM_API_KEY", "LLM_MODEL"] } }
                }
                """);
            PrepareDownloads(example, Path.Combine(folder, "downloads"));
            var run = await PluginNetProcess.RunAsync(
                [Path.Combine("examples", example), "--plugins", config, "--download-dir", Path.Combine(folder, "downloads"), "--timeout", "60"],
                api.Environment);
            Assert.True(run.ExitCode == 0, $"recording {example} failed:\n{run.Transcript}");

            var number = block;
            foreach (var file in Directory.GetFiles(raw, "*.json").Order(StringComparer.Ordinal))
            {
                number++;
                var text = await File.ReadAllTextAsync(file);
                using var json = JsonDocument.Parse(text);
                var request = json.RootElement.GetProperty("request");
                var url = new Uri(request.GetProperty("url").GetString()!);
                Assert.StartsWith(pathPrefix, url.AbsolutePath, StringComparison.Ordinal);
                var publicUrl = new Uri(publicOrigin + url.PathAndQuery);
                var stem = CassetteNames.Stem(number, request.GetProperty("method").GetString()!, publicUrl);
                text = text.Replace($"\"{api.Origin}/", $"\"{publicOrigin}/", StringComparison.Ordinal);
                if (json.RootElement.GetProperty("response").TryGetProperty("body_file", out var sideFile))
                {
                    var side = stem + CassetteNames.ResponseBodySuffix;
                    files[side] = await File.ReadAllBytesAsync(Path.Combine(raw, sideFile.GetString()!));
                    text = text.Replace($"\"{sideFile.GetString()}\"", $"\"{side}\"", StringComparison.Ordinal);
                }

                files[stem + CassetteNames.ExchangeExtension] = Encoding.UTF8.GetBytes(text);
            }
        }

        return files;
    }

    /// <summary>Replaces the committed files of the recorded blocks with <paramref name="files"/>.</summary>
    public static void Write(SortedDictionary<string, byte[]> files)
    {
        foreach (var name in Committed().Keys)
        {
            File.Delete(Path.Combine(Folder, name));
        }

        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(Folder, name), bytes);
        }
    }

    private static string PluginPath(string name) =>
        Path.Combine(RepoPaths.Root, "artifacts", "plugins", name, $"PluginNet.Plugins.{name}.dll");

    private static int? BlockOf(string fileName)
    {
        var dash = fileName.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !int.TryParse(fileName.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var block = number / 100 * 100;
        return Recorded.Any(r => r.Block == block) ? block : null;
    }
}
