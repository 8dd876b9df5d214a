using System.Text.Json;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Inspector.Render;

/// <summary>
/// An exchange's HAR timings, in milliseconds, summing to its total time as HAR 1.2 requires:
/// blocked = the script's queue and the host's waits (rate limits, retry back-off); connect = until the
/// transport had a connection; wait = from then to the first byte; receive = the rest. -1 where the
/// transport measured nothing (connect), and the unmeasured time then counts as wait.
/// </summary>
internal readonly record struct HarTimings(double Blocked, double Connect, double Wait, double Receive)
{
    public double Total => Blocked + Math.Max(0, Connect) + Wait + Receive;

    public static HarTimings Of(TimeSpan queued, TimeSpan waited, TimeSpan duration, HttpTimings? measured)
    {
        var total = duration.TotalMilliseconds;
        var blocked = Math.Min(total, (queued + waited).TotalMilliseconds);
        var onWire = total - blocked;
        var connected = measured?.Connected is { } c ? Math.Clamp(c.TotalMilliseconds, 0, onWire) : (double?)null;
        var firstByte = measured?.FirstByte is { } f ? Math.Clamp(f.TotalMilliseconds, connected ?? 0, onWire) : onWire;
        return new HarTimings(blocked, connected ?? -1, firstByte - (connected ?? 0), onWire - firstByte);
    }

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject("timings");
        w.WriteNumber("blocked", Blocked);
        w.WriteNumber("dns", -1);
        w.WriteNumber("connect", Connect);
        w.WriteNumber("send", 0);
        w.WriteNumber("wait", Wait);
        w.WriteNumber("receive", Receive);
        w.WriteNumber("ssl", -1);
        w.WriteEndObject();
    }
}
