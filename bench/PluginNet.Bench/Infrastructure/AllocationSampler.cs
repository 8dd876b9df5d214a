using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace PluginNet.Bench.Infrastructure;

/// <summary>
/// In-process allocation profile (<c>--alloc-profile</c>): the runtime's GC AllocationTick event fires
/// about every 100 KB allocated, naming the type that crossed the line, so counting those events by
/// type shows where the bytes go. No external tool needed.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not "GCAllocationTick_V4" and not "GCAllocationTick_V3" || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames?.IndexOf("TypeName") is >= 0 and var t ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames?.IndexOf("AllocationAmount64") is >= 0 and var a ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, old) => old + amount);
    }

    /// <summary>Prints the types that took the most sampled bytes since the last call, and starts over.</summary>
    public void Report(string title, int top = 15)
    {
        var snapshot = _bytes.ToArray();
        _bytes.Clear();
        var total = snapshot.Sum(kv => kv.Value);
        Console.WriteLine($"  allocation profile ({title}): {total / 1048576.0:0} MB sampled");
        foreach (var (type, bytes) in snapshot.OrderByDescending(kv => kv.Value).Take(top))
        {
            Console.WriteLine($"    {bytes * 100.0 / Math.Max(total, 1),5:0.0}%  {type}");
        }
    }
}
