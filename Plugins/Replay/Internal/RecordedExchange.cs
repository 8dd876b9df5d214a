namespace PluginNet.Plugins.Replay.Internal;

/// <summary>One exchange read back from a cassette folder.</summary>
/// <param name="FileName">The exchange file, for messages.</param>
/// <param name="Key">What requests it answers (see <see cref="ExchangeKey"/>).</param>
/// <param name="Status">The recorded status (0: no response arrived).</param>
/// <param name="Ok">The recorded <c>ok</c>.</param>
/// <param name="Error">The recorded <c>error</c>.</param>
/// <param name="Body">The response body, or the content of the file it was saved to.</param>
internal sealed record RecordedExchange(string FileName, string Key, int Status, bool Ok, string Error, RecordedBody Body)
{
    /// <summary>The response's headers in arrival order, repeats kept (none from a version 1 recording).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The URL the response came from after redirects, or null when not recorded.</summary>
    public Uri? FinalUrl { get; init; }

    /// <summary>How many redirects were followed.</summary>
    public int Redirects { get; init; }
}
