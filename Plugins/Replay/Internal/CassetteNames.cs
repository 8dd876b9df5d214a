using System.Globalization;
using System.Text;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// File names in a cassette folder: <c>NNNN-slug.json</c> per exchange, where NNNN is the recording
/// order and the slug is the method and URL made safe for a file name; large bodies sit beside it
/// as <c>NNNN-slug.request.bin</c> and <c>NNNN-slug.response.bin</c>.
/// </summary>
internal static class CassetteNames
{
    /// <summary>Bodies up to this size are kept inside the JSON file; larger ones go to a side file.</summary>
    public const int InlineLimit = 256 * 1024;

    public const string ExchangeExtension = ".json";
    public const string RequestBodySuffix = ".request.bin";
    public const string ResponseBodySuffix = ".response.bin";

    private const int MaxSlugLength = 60;

    /// <summary>The name without extension, e.g. <c>0007-get-127.0.0.1-8080-api-items</c>.</summary>
    public static string Stem(long number, string method, Uri url) =>
        $"{number.ToString("D4", CultureInfo.InvariantCulture)}-{Slug(method, url)}";

    /// <summary>The recording number of an exchange file name, or false when it is not one.</summary>
    public static bool TryParseExchange(string fileName, out long number)
    {
        number = 0;
        if (!fileName.EndsWith(ExchangeExtension, StringComparison.Ordinal))
        {
            return false;
        }

        var dash = fileName.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && fileName.AsSpan(0, dash).IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(fileName.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>The recording number of any cassette file (exchange or side file), or false.</summary>
    public static bool TryParseAny(string fileName, out long number)
    {
        number = 0;
        var dash = fileName.IndexOf('-', StringComparison.Ordinal);
        var known = fileName.EndsWith(ExchangeExtension, StringComparison.Ordinal)
            || fileName.EndsWith(RequestBodySuffix, StringComparison.Ordinal)
            || fileName.EndsWith(ResponseBodySuffix, StringComparison.Ordinal);
        return known
            && dash > 0
            && fileName.AsSpan(0, dash).IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(fileName.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private static string Slug(string method, Uri url)
    {
        var raw = $"{method}-{url.Host}-{url.Port}{url.AbsolutePath}{url.Query}";
        var slug = new StringBuilder(MaxSlugLength);
        foreach (var c in raw)
        {
            if (slug.Length == MaxSlugLength)
            {
                break;
            }

            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.')
            {
                slug.Append(lower);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-', '.');
    }
}
