using Microsoft.AspNetCore.Http;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>Describes a request's head for the host (the <c>req</c> a script's <c>on_open</c> gets).</summary>
internal static class HandshakeReader
{
    public static IncomingRequest Read(HttpContext context)
    {
        var request = context.Request;
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count);
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? ""));
            }
        }

        var connection = context.Connection;
        return new IncomingRequest(
            request.Method,
            request.Path.HasValue ? request.Path.Value! : "/",
            request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
            headers,
            $"{connection.RemoteIpAddress}:{connection.RemotePort}");
    }
}
