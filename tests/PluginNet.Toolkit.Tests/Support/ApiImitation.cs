using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Toolkit.Tests.Support;

/// <summary>
/// A local Kestrel server (127.0.0.1) that imitates the public APIs the HTTP examples use, strictly
/// enough to reject a wrong request the way the real one would: a Discord webhook (429 on the first
/// post, then 204), GitHub's latest-release API, a download server and an LLM's streamed chat
/// completions (Server-Sent Events, as OpenAI sends them). The examples' cassettes are
/// recordings of these exchanges, made through the real Http plugin (see <see cref="Cassettes"/>).
/// </summary>
internal sealed class ApiImitation : IAsyncDisposable
{
    /// <summary>The package the download example fetches: 1 MiB of deterministic bytes.</summary>
    public static readonly byte[] Package = MakePackage(1024 * 1024);

    private readonly TestHttpServer _server;

    private ApiImitation(TestHttpServer server) => _server = server;

    /// <summary>e.g. <c>http://127.0.0.1:45123</c>.</summary>
    public string Origin => _server.BaseUrl;

    /// <summary>The environment variables that point every HTTP example at this server instead of the public API.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["DISCORD_WEBHOOK_URL"] = Origin + "/api/webhooks/112233445566778899/example-webhook-token",
        ["HUD_MOD_RELEASES_URL"] = Origin + "/repos/example/hud-mod/releases/latest",
        ["HUD_MOD_CDN"] = Origin + "/hud-mod/",
        ["LLM_CHAT_URL"] = Origin + "/v1/chat/completions",
        ["LLM_API_KEY"] = "sk-imitation-key",
    };

    public static async Task<ApiImitation> StartAsync()
    {
        var webhookPosts = 0;
        var server = await TestHttpServer.StartAsync(app =>
        {
            app.MapPost("/api/webhooks/{id}/{token}", async context =>
            {
                if (context.Request.HasFormContentType)
                {
                    await WebhookUploadAsync(context);
                    return;
                }

                if (await InvalidWebhookPostAsync(context.Request) is { } problem)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.Response.WriteAsJsonAsync(new { message = problem, code = 50109 });
                    return;
                }

                if (Interlocked.Increment(ref webhookPosts) == 1)
                {
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("""{"message": "You are being rate limited.", "retry_after": 0.25, "global": false}""");
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status204NoContent;
            });
            app.MapGet("/repos/example/hud-mod/releases/latest", async context =>
            {
                // GitHub refuses requests without a User-Agent.
                if (string.IsNullOrEmpty(context.Request.Headers.UserAgent))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }

                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync("""
                    {"tag_name":"v1.5.0","name":"HUD mod 1.5.0","prerelease":false,"html_url":"https://github.com/example/hud-mod/releases/tag/v1.5.0","body":"Faster radar, new compass."}
                    """);
            });
            app.MapGet("/hud-mod/latest.json", async context =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""{"version":"1.5.0","file":"hud-mod-1.5.0.zip","size":{{Package.Length}}}""");
            });
            app.MapGet("/hud-mod/hud-mod-1.5.0.zip", async context =>
            {
                context.Response.ContentType = "application/zip";
                context.Response.ContentLength = Package.Length;
                await context.Response.Body.WriteAsync(Package);
            });
            app.MapPost("/v1/chat/completions", ChatCompletionsAsync);
        });
        return new ApiImitation(server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    // A post with files (multipart/form-data): the message in payload_json, the files as files[n]. With
    // ?wait=true Discord answers 200 with the message it created; without, 204.
    private static async Task WebhookUploadAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var file = form.Files["files[0]"];
        string? problem = null;
        try
        {
            using var payload = JsonDocument.Parse(form["payload_json"].ToString());
            if (file is null)
            {
                problem = "Invalid Form Body: files[0] is missing";
            }
            else if (!payload.RootElement.TryGetProperty("attachments", out var attachments) || attachments.ValueKind != JsonValueKind.Array)
            {
                problem = "Invalid Form Body: attachments must be an array naming the files";
            }
        }
        catch (JsonException)
        {
            problem = "Invalid Form Body: payload_json is not valid JSON";
        }

        if (problem is null)
        {
            using var bytes = new MemoryStream();
            await file!.CopyToAsync(bytes);
            if (!bytes.ToArray().AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n']))
            {
                problem = "Invalid Form Body: files[0] is not a PNG image";
            }
        }

        if (problem is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { message = problem, code = 50035 });
            return;
        }

        if (context.Request.Query["wait"] != "true")
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""
            {"id":"1100000000000000001","content":"New personal best: 14 kills, 3 deaths","attachments":[{"id":"1100000000000000002","filename":"{{file!.FileName}}","size":{{file.Length}},"url":"https://cdn.discordapp.com/attachments/1/1100000000000000002/{{file.FileName}}","content_type":"{{file.ContentType}}"}]}
            """);
    }

    // A streamed chat completion: the answer in small pieces, one `data: {chunk}` event each with a short
    // pause between them (so the client really reads a stream), then `data: [DONE]`.
    private static async Task ChatCompletionsAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length == "Bearer ".Length)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "You didn't provide an API key.", type = "invalid_request_error" } });
            return;
        }

        string? model = null;
        try
        {
            using var request = await JsonDocument.ParseAsync(context.Request.Body);
            var root = request.RootElement;
            if (context.Request.ContentType == "application/json"
                && root.TryGetProperty("model", out var name) && name.ValueKind == JsonValueKind.String
                && root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
                && root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
            {
                model = name.GetString();
            }
        }
        catch (JsonException)
        {
        }

        if (model is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "a JSON body with model, messages and stream = true is required", type = "invalid_request_error" } });
            return;
        }

        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        string[] pieces =
        [
            "Three", " classic", " racing", " games", ":\n", "1.", " Out", " Run", " (1986)", "\n2.", " Gran",
            " Tur", "ismo", " (1997)", "\n3.", " Super", " Mario", " Kart", " (1992)",
        ];
        var deltas = pieces.Select(piece => (object)new { content = piece })
            .Prepend(new { role = "assistant", content = "" });
        foreach (var delta in deltas)
        {
            await WriteChunkAsync(context, model, delta, finishReason: null);
        }

        await WriteChunkAsync(context, model, new { }, finishReason: "stop");
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task WriteChunkAsync(HttpContext context, string model, object delta, string? finishReason)
    {
        var chunk = JsonSerializer.Serialize(new
        {
            id = "chatcmpl-example",
            @object = "chat.completion.chunk",
            created = 1764921600,
            model,
            choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
        });
        await context.Response.WriteAsync($"data: {chunk}\n\n");
        await context.Response.Body.FlushAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(20));
    }

    // What Discord checks: a JSON body with content or embeds, embeds being an array.
    private static async Task<string?> InvalidWebhookPostAsync(HttpRequest request)
    {
        if (request.ContentType != "application/json")
        {
            return "Cannot send an empty message (Content-Type must be application/json)";
        }

        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var root = body.RootElement;
            var hasContent = root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String;
            var hasEmbeds = root.TryGetProperty("embeds", out var embeds);
            if (hasEmbeds && embeds.ValueKind != JsonValueKind.Array)
            {
                return "Invalid Form Body: embeds must be an array";
            }

            return hasContent || hasEmbeds ? null : "Cannot send an empty message";
        }
        catch (JsonException)
        {
            return "The request body contains invalid JSON.";
        }
    }

    private static byte[] MakePackage(int length)
    {
        // xorshift32 with a fixed seed: the same bytes on every machine and every .NET version.
        var bytes = new byte[length];
        var x = 0x2545F491u;
        for (var i = 0; i < length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes[i] = (byte)x;
        }

        return bytes;
    }
}
