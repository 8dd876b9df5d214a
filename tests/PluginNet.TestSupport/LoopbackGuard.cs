using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;

namespace PluginNet.TestSupport;

/// <summary>
/// Watches every name lookup and every outgoing TCP connect in the test process (the runtime's own
/// <c>System.Net.NameResolution</c> and <c>System.Net.Sockets</c> events) and records those that break
/// the suite's rule: tests talk to 127.0.0.1 / ::1 only, and resolve no name through the machine's
/// resolver (names go through a resolver the test gives the engine). <c>localhost</c> is the one name
/// allowed by default (RFC 6761: it is answered on the machine). <see cref="LoopbackOnlyAttribute"/>
/// fails a test that breaks the rule.
/// </summary>
/// <remarks>
/// A lookup or connect is blamed on the watch of the code that made it when the execution context
/// flowed there (an async local); otherwise (thread-pool work that does not flow it) on every watch
/// open at that moment, so the offending test always fails, perhaps with a bystander.
/// </remarks>
public static class LoopbackGuard
{
    private static readonly AsyncLocal<Watch?> Current = new();
    private static readonly ConcurrentDictionary<Watch, byte> Open = new();
    private static readonly Listener Events = new();

    /// <summary>Starts a watch for the code that follows (in this execution context) until it is disposed.</summary>
    /// <param name="name">What is watched, for messages (e.g. the test's name).</param>
    /// <param name="allowLocalhost">False to count even a lookup of <c>localhost</c>.</param>
    public static Watch Begin(string name, bool allowLocalhost = true)
    {
        GC.KeepAlive(Events);
        var watch = new Watch(name, allowLocalhost, Current.Value);
        Current.Value = watch;
        Open.TryAdd(watch, 0);
        return watch;
    }

    /// <summary>The address in a <c>System.Net.Sockets</c> ConnectStart payload (<c>Family:size:{bytes}</c>, the bytes after the family), or null for a family without one (Unix sockets).</summary>
    public static IPAddress? AddressOf(string socketAddress)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        var open = socketAddress.IndexOf('{', StringComparison.Ordinal);
        var close = socketAddress.LastIndexOf('}');
        if (open < 0 || close < open)
        {
            return null;
        }

        var bytes = socketAddress[(open + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(b => byte.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        return socketAddress.StartsWith("InterNetworkV6:", StringComparison.Ordinal) && bytes.Length >= 22
            ? new IPAddress(bytes.AsSpan(6, 16))
            : socketAddress.StartsWith("InterNetwork:", StringComparison.Ordinal) && bytes.Length >= 6
                ? new IPAddress(bytes.AsSpan(2, 4))
                : null;
    }

    private static void Report(string what, bool isLocalhostLookup)
    {
        if (Current.Value is { } watch)
        {
            watch.Add(what, isLocalhostLookup);
            return;
        }

        foreach (var open in Open.Keys)
        {
            open.Add(what + " (from code that did not carry the test's context: every test running then is blamed)", isLocalhostLookup);
        }
    }

    /// <summary>One watched stretch of code (a test).</summary>
    public sealed class Watch : IDisposable
    {
        private readonly ConcurrentQueue<string> _violations = new();
        private readonly bool _allowLocalhost;
        private readonly Watch? _outer;

        internal Watch(string name, bool allowLocalhost, Watch? outer)
        {
            Name = name;
            _allowLocalhost = allowLocalhost;
            _outer = outer;
        }

        /// <summary>What is watched.</summary>
        public string Name { get; }

        /// <summary>What broke the rule so far.</summary>
        public IReadOnlyList<string> Violations => [.. _violations];

        /// <summary>Ends the watch; the code that follows is watched by the one this was started in, if any.</summary>
        public void Dispose()
        {
            Open.TryRemove(this, out _);
            if (ReferenceEquals(Current.Value, this))
            {
                Current.Value = _outer;
            }
        }

        internal void Add(string what, bool isLocalhostLookup)
        {
            if (!isLocalhostLookup || !_allowLocalhost)
            {
                _violations.Enqueue(what);
            }
        }
    }

    private sealed class Listener : EventListener
    {
        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name is "System.Net.NameResolution" or "System.Net.Sockets")
            {
                EnableEvents(eventSource, EventLevel.Informational);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "ResolutionStart" && eventData.Payload is [string name, ..])
            {
                Report($"looked up the name '{name}' through the machine's resolver (give the engine a resolver: EngineOptions.Resolver)", name.Equals("localhost", StringComparison.OrdinalIgnoreCase));
            }
            else if (eventData.EventName == "ConnectStart" && eventData.Payload is [string address, ..]
                && AddressOf(address) is { } target && !IPAddress.IsLoopback(target.IsIPv4MappedToIPv6 ? target.MapToIPv4() : target))
            {
                Report($"connected to {(target.IsIPv4MappedToIPv6 ? target.MapToIPv4() : target)}, which is not a loopback address", isLocalhostLookup: false);
            }
        }
    }
}
