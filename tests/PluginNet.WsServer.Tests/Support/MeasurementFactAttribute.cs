namespace PluginNet.WsServer.Tests.Support;

/// <summary>
/// A measurement, not a check: it takes tens of seconds and reports numbers. It runs only when
/// <c>PLUGINNET_MEASURE=1</c> is set (e.g. <c>PLUGINNET_MEASURE=1 dotnet test -c Release --filter Category=Measurement</c>)
/// and is reported as skipped otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class MeasurementFactAttribute : FactAttribute
{
    public MeasurementFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PLUGINNET_MEASURE") != "1")
        {
            Skip = "measurement: set PLUGINNET_MEASURE=1 to run it";
        }
    }
}
