namespace PluginNet.Host.Transports;

/// <summary>
/// The <c>reconnect</c> option of <c>net.ws:connect</c>: the wait before try n (from 1) is
/// <c>min(max, initial * factor^(n-1))</c>, with jitter a random value between half of it and all of it.
/// </summary>
/// <param name="Initial">Seconds before the first try.</param>
/// <param name="Max">Longest wait, seconds.</param>
/// <param name="Factor">Growth per try (at least 1).</param>
/// <param name="Jitter">Randomise each wait between half and all of it.</param>
/// <param name="Attempts">Tries after a drop before giving up; null never gives up.</param>
internal sealed record WsReconnect(double Initial, double Max, double Factor, bool Jitter, long? Attempts)
{
    /// <summary>The wait before try <paramref name="attempt"/> (1, 2, ...), in seconds.</summary>
    public double Delay(int attempt)
    {
        var delay = Math.Min(Max, Initial * Math.Pow(Factor, attempt - 1));
        return Jitter ? delay * (0.5 + (Random.Shared.NextDouble() * 0.5)) : delay;
    }

    /// <summary>True when try <paramref name="attempt"/> may still be made.</summary>
    public bool Allows(int attempt) => Attempts is not { } most || attempt <= most;
}
