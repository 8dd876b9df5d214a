using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// A Kestrel server on 127.0.0.1 that enforces a limit as public APIs do: <see cref="Limit"/> requests per
/// <see cref="Window"/> at <c>/limited?i=N</c>, each answer telling what is left (X-RateLimit-Remaining,
/// -Reset-After, -Reset, -Bucket), one over the limit answered 429 with Retry-After in the chosen form.
/// </summary>
internal sealed class RateLimitedServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly TestHttpServer _server;
    private readonly string _form;
    private DateTimeOffset _windowEnd = DateTimeOffset.MinValue;
    private int _used;

    private RateLimitedServer(TestHttpServer server, string form)
    {
        _server = server;
        _form = form;
    }

    public int Limit { get; private init; }

    public TimeSpan Window { get; private init; }

    /// <summary>The <c>i</c> of every request let through, in arrival order, with its arrival time.</summary>
    public List<(int Index, DateTimeOffset At)> Accepted { get; } = [];

    /// <summary>How many requests were answered 429.</summary>
    public int Refused { get; private set; }

    public string Url(int index) => _server.Url($"/limited?i={index}");

    /// <param name="limit">Requests let through per window.</param>
    /// <param name="window">The window, starting at the first request after the last one ended.</param>
    /// <param name="form">How a 429 says when to come back: "seconds", "date" (Retry-After) or "reset" (X-RateLimit-Reset only).</param>
    public static async Task<RateLimitedServer> StartAsync(int limit, TimeSpan window, string form)
    {
        RateLimitedServer? self = null;
        var server = await TestHttpServer.StartAsync(app => app.Map("/limited", context => self!.Answer(context)));
        self = new RateLimitedServer(server, form) { Limit = limit, Window = window };
        return self;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private Task Answer(HttpContext context)
    {
        var now = DateTimeOffset.UtcNow;
        var headers = context.Response.Headers;
        lock (_gate)
        {
            if (now >= _windowEnd)
            {
                _windowEnd = now + Window;
                _used = 0;
            }

            var resetAfter = (_windowEnd - now).TotalSeconds;
            headers["X-RateLimit-Limit"] = Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Bucket"] = "limited";
            if (_used < Limit)
            {
                _used++;
                Accepted.Add((int.Parse(context.Request.Query["i"]!, CultureInfo.InvariantCulture), now));
                headers["X-RateLimit-Remaining"] = (Limit - _used).ToString(CultureInfo.InvariantCulture);
                headers["X-RateLimit-Reset-After"] = Milliseconds(resetAfter).ToString("0.000", CultureInfo.InvariantCulture);
                return context.Response.WriteAsync("ok");
            }

            Refused++;
            context.Response.StatusCode = 429;
            headers["X-RateLimit-Remaining"] = "0";
            switch (_form)
            {
                case "seconds":
                    headers.RetryAfter = Math.Ceiling(resetAfter).ToString(CultureInfo.InvariantCulture);
                    break;
                case "date":
                    // HTTP-dates have whole seconds: the next one after the window ends.
                    headers.RetryAfter = DateTimeOffset.FromUnixTimeSeconds(_windowEnd.ToUnixTimeSeconds() + 1).ToString("r", CultureInfo.InvariantCulture);
                    break;
                default:
                    headers["X-RateLimit-Reset"] = Milliseconds((_windowEnd - DateTimeOffset.UnixEpoch).TotalSeconds).ToString("0.000", CultureInfo.InvariantCulture);
                    break;
            }

            return context.Response.WriteAsync("too many requests");
        }
    }

    // Rounded up to the millisecond: a server that says "resets after 0.480 s" must not refuse at 0.4803 s.
    // (Rounded to nearest, the header could name a moment up to half a millisecond before the window ends,
    // so a client whose hold timer fired on time could be refused: one CI run saw a 429 here.)
    private static double Milliseconds(double seconds) => Math.Ceiling(seconds * 1000) / 1000;
}
