using Microsoft.AspNetCore.Http;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>Writes a route's answer: exactly its status, headers and body, plus the body's length.</summary>
internal static class HttpAnswerWriter
{
    public static async Task WriteAsync(HttpContext context, HttpAnswer answer)
    {
        var response = context.Response;
        if (!IsWritable(answer))
        {
            // Nothing of a header that could split the response goes out; the host has logged why.
            answer = HttpAnswer.Bare(StatusCodes.Status500InternalServerError);
        }

        response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers.Append(name, value);
        }

        if (answer.Status is 204 or 304)
        {
            return;
        }

        response.ContentLength = answer.Body.Length;
        if (!HttpMethods.IsHead(context.Request.Method) && answer.Body.Length > 0)
        {
            await response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>False for a header name that is not a token, a value with CR, LF or NUL, or a framing header.</summary>
    public static bool IsWritable(HttpAnswer answer) => answer.Headers.All(h => IsToken(h.Key) && IsValue(h.Value) && !IsFraming(h.Key));

    private static bool IsFraming(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase);

    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => c is > ' ' and < '\u007f' and not ('(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=' or '{' or '}'));

    private static bool IsValue(string value) => !value.Any(c => c is '\r' or '\n' or '\0' || c > '\u00ff');
}
