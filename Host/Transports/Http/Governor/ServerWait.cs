using System.Globalization;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>
/// What a response asks of the client's next requests: a Retry-After (seconds or an HTTP-date) on a
/// 429 or 503, or <c>X-RateLimit-Remaining: 0</c> with <c>X-RateLimit-Reset-After</c> (seconds) or
/// <c>X-RateLimit-Reset</c> (Unix time), scoped to <c>X-RateLimit-Bucket</c> when the server names one.
/// </summary>
/// <param name="Wait">How long to hold further requests (never negative); null when the response asks nothing.</param>
/// <param name="Bucket">The server's bucket for this route, or null (the whole host).</param>
/// <param name="Global">True when the server says the hold covers the whole host (<c>X-RateLimit-Global</c>).</param>
/// <param name="Problem">A header that could not be used as given (negative, unparsable), in words; null when none.</param>
internal sealed record ServerWait(TimeSpan? Wait, string? Bucket, bool Global, string? Problem)
{
    public static ServerWait Read(HttpResult result, DateTimeOffset now)
    {
        string? problem = null;
        TimeSpan? wait = null;
        if (result.Status is 429 or 503 && Header(result, "Retry-After") is { } retryAfter)
        {
            wait = RetryAfter(retryAfter, now, ref problem);
        }

        if (Header(result, "X-RateLimit-Remaining") is { } remaining
            && double.TryParse(remaining, NumberStyles.Float, CultureInfo.InvariantCulture, out var left) && left <= 0)
        {
            var reset = ResetAfter(result, now, ref problem);
            if (reset is not null && (wait is null || reset > wait))
            {
                wait = reset;
            }
        }

        var global = string.Equals(Header(result, "X-RateLimit-Global"), "true", StringComparison.OrdinalIgnoreCase)
            || string.Equals(Header(result, "X-RateLimit-Scope"), "global", StringComparison.OrdinalIgnoreCase);
        return new ServerWait(wait, Header(result, "X-RateLimit-Bucket"), global, problem);
    }

    private static TimeSpan? RetryAfter(string value, DateTimeOffset now, ref string? problem)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return Seconds(seconds, "Retry-After", value, ref problem);
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var when))
        {
            return Until(when, now, "Retry-After", value, ref problem);
        }

        problem = $"Retry-After '{value}' is neither seconds nor an HTTP-date; ignored";
        return null;
    }

    private static TimeSpan? ResetAfter(HttpResult result, DateTimeOffset now, ref string? problem)
    {
        if (Header(result, "X-RateLimit-Reset-After") is { } after)
        {
            if (double.TryParse(after, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return Seconds(seconds, "X-RateLimit-Reset-After", after, ref problem);
            }

            problem = $"X-RateLimit-Reset-After '{after}' is not a number of seconds; ignored";
        }

        if (Header(result, "X-RateLimit-Reset") is { } reset)
        {
            if (double.TryParse(reset, NumberStyles.Float, CultureInfo.InvariantCulture, out var unix) && unix is > 0 and < 1e11)
            {
                return Until(DateTimeOffset.UnixEpoch.AddSeconds(unix), now, "X-RateLimit-Reset", reset, ref problem);
            }

            problem = $"X-RateLimit-Reset '{reset}' is not a Unix time in seconds; ignored";
        }

        return null;
    }

    private static TimeSpan Seconds(double seconds, string header, string value, ref string? problem)
    {
        if (seconds < 0 || double.IsNaN(seconds))
        {
            problem = $"{header} '{value}' is negative; taken as 0";
            return TimeSpan.Zero;
        }

        return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds));
    }

    private static TimeSpan Until(DateTimeOffset when, DateTimeOffset now, string header, string value, ref string? problem)
    {
        if (when < now)
        {
            // A date in the past is normal clock skew when it is close; only a far one is worth a word.
            if (now - when > TimeSpan.FromMinutes(5))
            {
                problem = $"{header} '{value}' lies in the past; taken as 0";
            }

            return TimeSpan.Zero;
        }

        var wait = when - now;
        return wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait;
    }

    private static string? Header(HttpResult result, string name)
    {
        foreach (var (key, value) in result.Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value.Trim();
            }
        }

        return null;
    }
}
