namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>A server's routes, tried in the order added; added from any thread while requests are matched.</summary>
internal sealed class RouteTable
{
    private readonly Lock _gate = new();
    private Route[] _routes = [];
    private long _lastId;

    /// <exception cref="ArgumentException">The method or path is not of the documented form.</exception>
    public long Add(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        if (method != "*" && (method.Length == 0 || !method.All(char.IsAsciiLetterUpper)))
        {
            throw new ArgumentException("a route's method is an upper-case HTTP method or \"*\"", nameof(method));
        }

        if (RouteProblem(path) is { } problem)
        {
            throw new ArgumentException(problem, nameof(path));
        }

        lock (_gate)
        {
            var route = new Route(++_lastId, method, path.EndsWith('*') ? path[..^1] : path, path.EndsWith('*'));
            _routes = [.. _routes, route];
            return route.Id;
        }
    }

    /// <summary>The first route matching the request, or null. A HEAD request also matches GET routes.</summary>
    public long? Match(string method, string path)
    {
        foreach (var route in Volatile.Read(ref _routes))
        {
            if (route.Matches(method, path))
            {
                return route.Id;
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="path"/> is not a route path, or null when it is one.</summary>
    public static string? RouteProblem(string path)
    {
        if (!path.StartsWith('/'))
        {
            return "a route's path must start with \"/\"";
        }

        var star = path.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0 && star != path.Length - 1)
        {
            return "a route's path may have \"*\" only at its end (a prefix)";
        }

        return path.Any(c => c is '?' or '#' || char.IsControl(c) || char.IsWhiteSpace(c))
            ? "a route's path may not contain '?', '#', spaces or control characters"
            : null;
    }

    private sealed record Route(long Id, string Method, string Path, bool IsPrefix)
    {
        public bool Matches(string method, string path) =>
            (Method == "*" || Method == method || (method == "HEAD" && Method == "GET"))
            && (IsPrefix ? path.StartsWith(Path, StringComparison.Ordinal) : path == Path);
    }
}
