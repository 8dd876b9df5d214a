namespace PluginNet.Plugins.Replay.Internal;

/// <summary>The recordings of a cassette folder, grouped by what they answer, in recording order.</summary>
internal sealed class CassetteIndex
{
    private readonly Dictionary<string, List<RecordedExchange>> _byKey;

    private CassetteIndex(Dictionary<string, List<RecordedExchange>> byKey, string? problem)
    {
        _byKey = byKey;
        Problem = problem;
    }

    /// <summary>Why the folder cannot be replayed (a broken recording), or null.</summary>
    public string? Problem { get; }

    /// <summary>Reads every exchange file of <paramref name="folder"/> (none when it does not exist). Blocking: run it off the menu thread.</summary>
    public static CassetteIndex Load(string folder)
    {
        var byKey = new Dictionary<string, List<RecordedExchange>>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return new CassetteIndex(byKey, null);
        }

        try
        {
            var files = new List<(long Number, string Name)>();
            foreach (var path in Directory.EnumerateFiles(folder, "*" + CassetteNames.ExchangeExtension))
            {
                var name = Path.GetFileName(path);
                if (CassetteNames.TryParseExchange(name, out var number))
                {
                    files.Add((number, name));
                }
            }

            foreach (var (_, name) in files.OrderBy(f => f.Number).ThenBy(f => f.Name, StringComparer.Ordinal))
            {
                var exchange = ExchangeReader.Read(folder, name);
                if (!byKey.TryGetValue(exchange.Key, out var list))
                {
                    byKey[exchange.Key] = list = [];
                }

                list.Add(exchange);
            }

            return new CassetteIndex(byKey, null);
        }
        catch (InvalidDataException ex)
        {
            return new CassetteIndex(byKey, $"cannot replay from {folder}: {ex.Message}; fix or delete that recording");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new CassetteIndex(byKey, $"cannot read the cassette folder {folder}: {ex.Message}");
        }
    }

    /// <summary>
    /// The recording for the <paramref name="ticket"/>-th (0-based) request with <paramref name="key"/>:
    /// the recording of the same rank, or the last one once they run out; null when there is none.
    /// </summary>
    public RecordedExchange? Find(string key, int ticket) =>
        _byKey.TryGetValue(key, out var list) ? list[Math.Min(ticket, list.Count - 1)] : null;
}
