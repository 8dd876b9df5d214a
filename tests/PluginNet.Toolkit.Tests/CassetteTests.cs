using PluginNet.Toolkit.Tests.Support;

namespace PluginNet.Toolkit.Tests;

/// <summary>
/// The HTTP examples' cassettes are real recordings: running each example live (real Http plugin)
/// against a local imitation of the API records exactly the committed files. This also runs every
/// HTTP example live end to end, on 127.0.0.1 only.
/// </summary>
public class CassetteTests
{
    [Fact]
    public async Task Cassettes_RecordedAgainstTheLocalImitation_AreTheCommittedFiles()
    {
        await using var api = await ApiImitation.StartAsync();

        var recorded = await Cassettes.RecordAsync(api);
        if (Environment.GetEnvironmentVariable(Cassettes.UpdateVariable) == "1")
        {
            Cassettes.Write(recorded);
        }

        var committed = Cassettes.Committed();
        Assert.Equal(recorded.Keys, committed.Keys);
        foreach (var (name, bytes) in recorded)
        {
            Assert.True(
                bytes.AsSpan().SequenceEqual(committed[name]),
                $"examples/cassettes/{name} is not what the example records now; re-record with {Cassettes.UpdateVariable}=1 dotnet test tests/PluginNet.Toolkit.Tests");
        }
    }
}
